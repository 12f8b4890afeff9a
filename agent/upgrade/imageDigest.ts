// Why: every image byte is hashed twice, once when it is written and once before the restore
// trusts it, and the second time is inside the blackout. What the check guards against is the
// new kernel (or a misplaced kexec segment) writing into the store, not an attacker (who, with
// root, could rewrite the manifest too), so any digest that catches random damage will do, and
// the fastest one on this host is the right one: sha256 with SHA extensions runs at ~2 GB/s,
// without them (older CPUs, the lab's emulated one) at a fifteenth of md5's rate. The dump
// measures the few vetted digests once and names its choice in the manifest; the restore uses
// whatever the manifest names.
import { createHash, getHashes } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { IMAGE_DIGESTS, type ImageDigest } from '../../shared/domain/upgradeFiles';

const CHUNK = 4 * 1024 * 1024;

export interface DigestChoice {
  algorithm: ImageDigest;
  /** Bytes per second of each digest this host offers, as measured (one 4 MiB block, 4 passes). */
  rates: Partial<Record<ImageDigest, number>>;
}

let chosen: DigestChoice | null = null;

/** Bytes per second of one digest over memory. */
export function digestRate(algorithm: ImageDigest, block = Buffer.alloc(CHUNK, 0xa5), passes = 4): number {
  const h = createHash(algorithm);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < passes; i++) h.update(block);
  h.digest();
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return (passes * block.length) / Math.max(s, 1e-6);
}

/** The fastest vetted digest on this host (measured once per agent process: about 0.1 s, 1 s under emulation). */
export function chooseDigest(): DigestChoice {
  if (chosen) return chosen;
  const offered = new Set(getHashes());
  const block = Buffer.alloc(CHUNK, 0xa5);
  const rates: DigestChoice['rates'] = {};
  for (const a of IMAGE_DIGESTS) {
    if (!offered.has(a)) continue;
    try {
      rates[a] = digestRate(a, block);
    } catch {
      // refused by this build's policy (FIPS mode refuses md5)
    }
  }
  const best = IMAGE_DIGESTS.filter((a) => rates[a] !== undefined).sort((a, b) => (rates[b] ?? 0) - (rates[a] ?? 0))[0];
  chosen = { algorithm: best ?? 'sha256', rates };
  return chosen;
}

/** The one read buffer of the synchronous digest (a fresh 4 MiB per file cost more than hashing a small image). */
let syncBuf: Buffer | null = null;

/** A file's digest, read synchronously (small files, or where nothing else has to go on meanwhile). */
export function digestFileSync(path: string, algorithm: ImageDigest): string {
  const h = createHash(algorithm);
  const buf = (syncBuf ??= Buffer.allocUnsafe(CHUNK));
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/**
 * A file's digest, read asynchronously: the agent's event loop (progress records, the CRIU run
 * it waits for) goes on between chunks. `onBytes` is told of every chunk hashed. `sizeHint` (the
 * file's size, when known) keeps the read buffer small for a small file.
 */
export async function digestFile(
  path: string,
  algorithm: ImageDigest,
  onBytes: (n: number) => void = () => {},
  sizeHint = CHUNK,
): Promise<string> {
  const h = createHash(algorithm);
  const buf = Buffer.allocUnsafe(Math.max(4096, Math.min(CHUNK, sizeHint + 1)));
  const f = await open(path, 'r');
  try {
    for (;;) {
      const { bytesRead } = await f.read(buf, 0, buf.length, null);
      if (bytesRead <= 0) break;
      h.update(buf.subarray(0, bytesRead));
      onBytes(bytesRead);
    }
  } finally {
    await f.close();
  }
  return h.digest('hex');
}

/**
 * The digest of a file that its writer is still appending to (a pre-dump round's page image while
 * CRIU writes it, in order and never back): read to its end, wait, read on, until `written` has
 * settled and nothing more is there. The hash then costs the time after the round only what the
 * writer left unread. Returns the bytes hashed too (the file's size when the writer was done).
 */
export async function digestGrowingFile(
  path: string,
  algorithm: ImageDigest,
  written: () => boolean,
  pollMs = 50,
): Promise<{ digest: string; size: number }> {
  const h = createHash(algorithm);
  const buf = Buffer.allocUnsafe(CHUNK);
  let size = 0;
  const f = await open(path, 'r');
  try {
    for (;;) {
      // Asked before the read: a read that finds nothing after the writer was done is the end.
      const done = written();
      const { bytesRead } = await f.read(buf, 0, buf.length, size);
      if (bytesRead > 0) {
        h.update(buf.subarray(0, bytesRead));
        size += bytesRead;
      } else if (done) break;
      else await new Promise((r) => setTimeout(r, pollMs));
    }
  } finally {
    await f.close();
  }
  return { digest: h.digest('hex'), size };
}
