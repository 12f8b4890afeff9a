// Why: making the store runs mkfs on the plan's device, which destroys whatever is on it. Before
// that, the device must be nobody else's: not mounted (except as our own store), not swap, and
// without a filesystem other than an earlier Seamless store. Either can be accepted, one by one,
// in the plan (`store.device-in-use`, `store.foreign-filesystem`), as preflight asks.
import { readFileSync, realpathSync } from 'node:fs';
import { SeamlessError } from '../../shared/errors';
import { sh } from '../exec/sh';

export const STORE_LABEL = 'seamless-store';

export interface DeviceUse {
  /** Where the device is mounted (other than `ownMount`), and whether it is swap. */
  mounts: string[];
  swap: boolean;
  /** A filesystem (or other) signature on it, from blkid; null when there is none. */
  signature: { type: string; label: string | null } | null;
}

const real = (p: string) => {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
};

/** Mount points of `device` in a mounts table (/proc/self/mounts), other than `ownMount`. */
export function mountsOf(device: string, mountsText: string, ownMount: string): string[] {
  const dev = real(device);
  return mountsText
    .split('\n')
    .map((l) => l.split(' '))
    .filter(
      ([src, mnt]) =>
        src !== undefined && mnt !== undefined && mnt !== ownMount && (src === device || (src.startsWith('/') && real(src) === dev)),
    )
    .map(([, mnt]) => mnt!.replace(/\\040/g, ' '));
}

/** blkid -o export output → the signature (TYPE, LABEL). */
export function parseBlkid(text: string): DeviceUse['signature'] {
  const kv = new Map(text.split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)] as const));
  const type = kv.get('TYPE') ?? kv.get('PTTYPE');
  return type ? { type, label: kv.get('LABEL') ?? null } : null;
}

export async function deviceUse(device: string, ownMount: string): Promise<DeviceUse> {
  const read = (p: string) => {
    try {
      return readFileSync(p, 'utf8');
    } catch {
      return '';
    }
  };
  const dev = real(device);
  const swap = read('/proc/swaps')
    .split('\n')
    .slice(1)
    .some((l) => {
      const name = l.split(/\s+/)[0];
      return name !== undefined && name !== '' && real(name) === dev;
    });
  // -p: probe the device itself, not blkid's cache. Exit 2: no signature at all.
  const b = await sh('blkid', ['-p', '-o', 'export', device], { timeoutMs: 30_000 });
  if (b.missing)
    throw new SeamlessError(
      'STORE_PREPARE_FAILED',
      'blkid is not installed: cannot check the store device before formatting it (apt-get install util-linux).',
    );
  if (b.code !== 0 && b.code !== 2)
    throw new SeamlessError('STORE_PREPARE_FAILED', `blkid could not read ${device}`, { evidence: (b.stderr || b.stdout).trim() });
  return { mounts: mountsOf(device, read('/proc/self/mounts'), ownMount), swap, signature: b.code === 2 ? null : parseBlkid(b.stdout) };
}

/** The findings a device's use raises (ids as preflight names them), empty when it is free to format. */
export function deviceFindings(
  device: string,
  use: DeviceUse,
): { id: 'store.device-in-use' | 'store.foreign-filesystem'; message: string; evidence: string }[] {
  const out: ReturnType<typeof deviceFindings> = [];
  if (use.mounts.length > 0 || use.swap)
    out.push({
      id: 'store.device-in-use',
      message: `${device} is in use (${[...use.mounts.map((m) => `mounted at ${m}`), ...(use.swap ? ['swap'] : [])].join(', ')}): making the store would destroy what is there.`,
      evidence: `/proc/self/mounts, /proc/swaps`,
    });
  if (use.signature && use.signature.label !== STORE_LABEL)
    out.push({
      id: 'store.foreign-filesystem',
      message: `${device} holds a ${use.signature.type} filesystem${use.signature.label ? ` labelled ${use.signature.label}` : ''} that is not a Seamless store: making the store would erase it.`,
      evidence: `blkid -p ${device}: TYPE=${use.signature.type}${use.signature.label ? ` LABEL=${use.signature.label}` : ''}`,
    });
  return out;
}

/** Refuses to format a device in use or holding someone else's filesystem, unless the plan accepts exactly that. */
export async function guardStoreDevice(device: string, ownMount: string, acknowledged: readonly string[]): Promise<void> {
  const refused = deviceFindings(device, await deviceUse(device, ownMount)).filter((f) => !acknowledged.includes(f.id));
  if (refused.length === 0) return;
  throw new SeamlessError('STORE_PREPARE_FAILED', `Not formatting ${device}: ${refused.map((f) => f.message).join(' ')}`, {
    evidence: refused.map((f) => f.evidence).join('\n'),
    details: { findings: refused.map((f) => f.id) },
  });
}
