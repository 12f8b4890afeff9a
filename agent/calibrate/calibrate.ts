// Why: the estimate is only honest if it is fed this host's own figures, measured without
// downtime and without touching anything that matters: a bounded test file on the image store
// (never while an upgrade's images are on it, never on a device holding a filesystem that is not
// Seamless's), a bounded fsync'd file on the root disk, sha256 over memory, and the boot times
// systemd logged. Everything written is removed before the answer.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, rmdirSync, statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { chooseDigest } from '../upgrade/imageDigest';
import { CALIBRATION_VERSION, type Calibration } from '../../shared/estimate/calibration';
import type { HostFacts } from '../../shared/domain/hostFacts';
import type { Store } from '../../shared/plan/plan';
import { sh } from '../exec/sh';
import { readText } from '../fs/readOptional';
import { listUpgrades } from '../upgrade/journal';
import { ensurePmemDevice, mountedAt } from '../upgrade/store';
import { parseDdRate } from './ddRate';

const MiB = 1024 * 1024;
/** The test file: at most this, and at most a tenth of the room there is. */
const MAX_TEST_BYTES = 256 * MiB;
const FLUSH_TEST_BYTES = 32 * MiB;
const SCRATCH = '/var/lib/seamless/calibrate';

type Measured = { writeBytesPerS: number | null; readBytesPerS: number | null; testBytes: number; reason: string | null };

/** Where a device is mounted now (any mount point), from /proc/self/mounts. */
function mountOf(device: string): string | null {
  const text = readText('/proc/self/mounts');
  for (const line of text.split('\n')) {
    const [dev, mnt] = line.split(' ');
    if (dev === device && mnt) return mnt.replace(/\\040/g, ' ');
  }
  return null;
}

/** Writes then reads `bytes` at `file` with O_DIRECT (buffered where the filesystem refuses it). */
async function ddTest(file: string, bytes: number, raw = false): Promise<Measured> {
  const count = Math.max(1, Math.floor(bytes / MiB));
  const create = raw ? [] : ['conv=fsync'];
  let w = await sh('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${count}`, 'oflag=direct', ...create], { timeoutMs: 5 * 60_000 });
  let direct = true;
  if (w.code !== 0 && !raw) {
    // tmpfs and some others refuse O_DIRECT: buffered, then fsync.
    direct = false;
    w = await sh('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${count}`, 'conv=fsync'], { timeoutMs: 5 * 60_000 });
  }
  const written = w.code === 0 ? parseDdRate(w.stderr) : null;
  if (!written)
    return {
      writeBytesPerS: null,
      readBytesPerS: null,
      testBytes: 0,
      reason: `dd could not write ${file}: ${w.stderr.trim().slice(-300)}`,
    };
  const r = await sh('dd', [`if=${file}`, 'of=/dev/null', 'bs=1M', `count=${count}`, ...(direct ? ['iflag=direct'] : [])], {
    timeoutMs: 5 * 60_000,
  });
  const read = r.code === 0 ? parseDdRate(r.stderr) : null;
  return {
    writeBytesPerS: written.bytesPerS,
    readBytesPerS: read?.bytesPerS ?? null,
    testBytes: written.bytes,
    reason: read
      ? direct
        ? null
        : 'O_DIRECT refused: buffered figures'
      : `dd could not read ${file} back: ${r.stderr.trim().slice(-300)}`,
  };
}

const testBytesFor = (freeBytes: number) => Math.min(MAX_TEST_BYTES, Math.floor(freeBytes / 10 / MiB) * MiB);

/** Every path the calibration wrote (and removed), for the dry run's account. */
type Written = string[];

async function inDirectory(dir: string, written: Written): Promise<Measured> {
  const s = statfsSync(dir);
  const bytes = testBytesFor(s.bavail * s.bsize);
  if (bytes < MiB)
    return { writeBytesPerS: null, readBytesPerS: null, testBytes: 0, reason: `${dir} has too little free space for a test file` };
  const scratch = mkdtempSync(join(dir, '.seamless-calibrate-'));
  written.push(scratch);
  try {
    return await ddTest(join(scratch, 'test'), bytes);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function storeBandwidth(store: Store, written: Written): Promise<Measured & { where: string }> {
  if (store.kind === 'dir') {
    let probe = store.path;
    while (!existsSync(probe) && probe !== '/') probe = dirname(probe);
    return { where: probe, ...(await inDirectory(probe, written)) };
  }
  const where = store.device;
  const busy = listUpgrades().find((u) => u.state === 'running');
  if (busy)
    return {
      where,
      writeBytesPerS: null,
      readBytesPerS: null,
      testBytes: 0,
      reason: `upgrade ${busy.id} is running; its images are on the store, which is not touched`,
    };
  try {
    await ensurePmemDevice(where);
  } catch (err) {
    return { where, writeBytesPerS: null, readBytesPerS: null, testBytes: 0, reason: err instanceof Error ? err.message : String(err) };
  }
  const mounted = mountOf(where);
  if (mounted) return { where, ...(await inDirectory(mounted, written)) };
  // blkid -p exits 2 when it finds no signature at all; anything else but 0 means it cannot tell.
  const probe = await sh('blkid', ['-p', '-o', 'export', where]);
  if (probe.code !== 0 && probe.code !== 2)
    return {
      where,
      writeBytesPerS: null,
      readBytesPerS: null,
      testBytes: 0,
      reason: `cannot tell what ${where} holds (blkid: ${(probe.stderr || `exit ${probe.code}`).trim().slice(-200)}); not touched`,
    };
  const type = probe.code === 2 ? null : (/^TYPE=(.*)$/m.exec(probe.stdout)?.[1] ?? '(unknown)');
  const label = /^LABEL=(.*)$/m.exec(probe.stdout)?.[1] ?? null;
  if (type === null) {
    // No filesystem: nothing to lose; the upgrade makes its own. Raw O_DIRECT on the device.
    const size = Number((await sh('blockdev', ['--getsize64', where])).stdout.trim());
    written.push(`${where} (raw, first MiBs; it held no filesystem)`);
    return { where, ...(await ddTest(where, testBytesFor(Number.isFinite(size) ? size : 0), true)) };
  }
  if (type !== 'ext4' || label !== 'seamless-store')
    return {
      where,
      writeBytesPerS: null,
      readBytesPerS: null,
      testBytes: 0,
      reason: `${where} holds a ${type} filesystem${label ? ` labelled ${label}` : ''} that is not Seamless's store; not touched`,
    };
  const mnt = mkdtempSync('/run/seamless-calibrate-');
  try {
    const m = await sh('mount', ['-t', 'ext4', '-o', 'dax=always', where, mnt]);
    if (m.code !== 0 && (await sh('mount', ['-t', 'ext4', where, mnt])).code !== 0)
      return { where, writeBytesPerS: null, readBytesPerS: null, testBytes: 0, reason: `cannot mount ${where}: ${m.stderr.trim()}` };
    try {
      return { where, ...(await inDirectory(mnt, written)) };
    } finally {
      await sh('umount', [mnt]);
    }
  } finally {
    if (!mountedAt(mnt)) rmdirSync(mnt);
  }
}

async function flushBandwidth(written: Written): Promise<Calibration['flush']> {
  mkdirSync(SCRATCH, { recursive: true, mode: 0o700 });
  const file = join(SCRATCH, `flush-${process.pid}`);
  written.push(file);
  try {
    // Buffered writes then one fsync: what the freeze waits for when page cache is dirty.
    const r = await sh('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${FLUSH_TEST_BYTES / MiB}`, 'conv=fsync'], {
      timeoutMs: 5 * 60_000,
    });
    const rate = r.code === 0 ? parseDdRate(r.stderr) : null;
    return {
      where: SCRATCH,
      testBytes: rate?.bytes ?? 0,
      bytesPerS: rate?.bytesPerS ?? null,
      reason: rate ? null : r.stderr.trim().slice(-300),
    };
  } finally {
    rmSync(file, { force: true });
  }
}

/** sha256 over 64 MiB of memory, as the image check hashes (4 MiB at a time: the agent's memory is small). */
export function hashRate(): number {
  const block = Buffer.alloc(4 * MiB, 0x5a);
  const h = createHash('sha256');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 16; i++) h.update(block);
  h.digest();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return (16 * block.length) / Math.max(s, 1e-6);
}

/** The digest the image check would use here, and its rate. */
function imageDigest(): { algorithm: string; bytesPerS: number } {
  const c = chooseDigest();
  return { algorithm: c.algorithm, bytesPerS: c.rates[c.algorithm] ?? hashRate() };
}

/** Measures; `written` collects what was written and removed again. */
export async function calibrate(store: Store, facts: HostFacts, written: string[] = []): Promise<Calibration> {
  const s = await storeBandwidth(store, written);
  const flush = await flushBandwidth(written);
  const boot = facts.systemd.bootTimes.current ?? facts.systemd.bootTimes.previous;
  const now = new Date();
  return {
    version: CALIBRATION_VERSION,
    hostname: facts.hostname,
    kernel: facts.kernel.release,
    measuredAt: now.toISOString(),
    measuredAtMs: now.getTime(),
    store: {
      kind: store.kind,
      where: s.where,
      testBytes: s.testBytes,
      writeBytesPerS: s.writeBytesPerS,
      readBytesPerS: s.readBytesPerS,
      reason: s.reason,
    },
    flush,
    hashBytesPerS: hashRate(),
    digest: imageDigest(),
    boot: {
      kernelS: boot?.kernelUsec != null ? boot.kernelUsec / 1e6 : null,
      initrdS: boot?.initrdUsec != null ? boot.initrdUsec / 1e6 : null,
      userspaceS: boot?.userspaceUsec != null ? boot.userspaceUsec / 1e6 : null,
      source: boot
        ? `systemd "Startup finished" (${facts.systemd.bootTimes.current ? 'this boot' : 'the previous boot'})`
        : (facts.systemd.bootTimes.reason ?? 'no boot times'),
    },
  };
}
