// Why: the image store is a filesystem on the pmem device that survives the kexec. It is made
// once per upgrade (mkfs: a leftover filesystem from an earlier run is never trusted), mounted
// with DAX where the kernel allows it (page-cache-free writes straight into the region), and
// mounted again, without mkfs, by the restore hook on the new boot.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { SeamlessError } from '../../shared/errors';
import { must, sh, sleep } from '../exec/sh';
import { STORE_LABEL } from './storeDevice';

export async function ensurePmemDevice(device: string): Promise<void> {
  if (!existsSync(device)) {
    // memmap= regions need nd_e820 (the legacy region driver) and nd_pmem (the block device).
    await sh('modprobe', ['-a', 'nd_e820', 'nd_pmem']);
  }
  for (let i = 0; i < 100 && !existsSync(device); i++) await sleep(100);
  if (!existsSync(device)) {
    throw new SeamlessError('STORE_PREPARE_FAILED', `${device} does not exist (after modprobe nd_e820 nd_pmem)`);
  }
}

export function mountedAt(mountpoint: string): { device: string; options: string } | null {
  let text = '';
  try {
    text = readFileSync('/proc/self/mounts', 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const [dev, mnt, , opts] = line.split(' ');
    if (mnt === mountpoint && dev) return { device: dev, options: opts ?? '' };
  }
  return null;
}

export async function makeStoreFs(device: string): Promise<void> {
  // 4 KiB blocks: DAX needs the block size to equal the page size.
  // -F: the device was checked first (storeDevice.ts: not in use, no foreign filesystem).
  await must('STORE_PREPARE_FAILED', 'mkfs', 'mkfs.ext4', ['-F', '-q', '-b', '4096', '-L', STORE_LABEL, device], 5 * 60_000);
}

/** Mounts the store; returns whether DAX is on, and why not when it is not. */
export async function mountStore(device: string, mountpoint: string): Promise<{ dax: boolean; note: string | null }> {
  mkdirSync(mountpoint, { recursive: true });
  const cur = mountedAt(mountpoint);
  if (cur) {
    if (cur.device !== device) {
      throw new SeamlessError('STORE_PREPARE_FAILED', `${mountpoint} already has ${cur.device} mounted, not ${device}`);
    }
    return { dax: /\bdax/.test(cur.options), note: 'already mounted' };
  }
  const dax = await sh('mount', ['-t', 'ext4', '-o', 'dax=always', device, mountpoint]);
  if (dax.code === 0) return { dax: true, note: null };
  await must('STORE_PREPARE_FAILED', 'mount', 'mount', ['-t', 'ext4', device, mountpoint]);
  return { dax: false, note: `mount -o dax=always failed (${(dax.stderr || dax.stdout).trim()}); mounted without DAX` };
}

export async function unmountStore(mountpoint: string): Promise<void> {
  if (!mountedAt(mountpoint)) return;
  await must('STORE_PREPARE_FAILED', 'unmount', 'umount', [mountpoint]);
}

/** The physical range of the persistent-memory region from /proc/iomem. */
export function pmemRange(iomem: string): { start: number; end: number } | null {
  for (const line of iomem.split('\n')) {
    const m = /^\s*([0-9a-f]+)-([0-9a-f]+) : Persistent Memory/.exec(line);
    if (m) return { start: Number.parseInt(m[1]!, 16), end: Number.parseInt(m[2]!, 16) };
  }
  return null;
}

/** The end of the highest System RAM range (top-level lines of /proc/iomem). */
export function ramTop(iomem: string): number {
  let top = 0;
  for (const line of iomem.split('\n')) {
    const m = /^([0-9a-f]+)-([0-9a-f]+) : System RAM$/.exec(line);
    if (m) top = Math.max(top, Number.parseInt(m[2]!, 16));
  }
  return top;
}
