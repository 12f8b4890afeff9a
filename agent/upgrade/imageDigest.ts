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
 * file's size, when known) keeps the read buffers small for a small file.
 */
export async function digestFile(
  path: string,
  algorithm: ImageDigest,
  onBytes: (n: number) => void = () => {},
  sizeHint = CHUNK,
): Promise<string> {
  const r = await digestReadAhead(path, algorithm, Math.max(4096, Math.min(CHUNK, sizeHint + 1)), () => true, 0, onBytes);
  return r.digest;
}

/**
 * The digest of a file that its writer is still appending to (a pre-dump round's page image while
 * CRIU writes it, in order and never back): read to its end, wait, read on, until `written` has
 * settled and nothing more is there. The hash then costs the time after the round only what the
 * writer left unread. Returns the bytes hashed too (the file's size when the writer was done).
 */
export function digestGrowingFile(
  path: string,
  algorithm: ImageDigest,
  written: () => boolean,
  pollMs = 50,
): Promise<{ digest: string; size: number }> {
  return digestReadAhead(path, algorithm, CHUNK, written, pollMs);
}

/**
 * Reads a file chunk by chunk and hashes it, the next chunk's read (in libuv's threads) going on
 * while this one is hashed (on the event loop): 512 MiB on the store took 2.8–2.9 s so on the
 * lab, 3.6–4.1 s one after the other. A read that finds nothing ends the file once `written()`
 * said so before that read; until then it is tried again after `pollMs`.
 */
async function digestReadAhead(
  path: string,
  algorithm: ImageDigest,
  chunk: number,
  written: () => boolean,
  pollMs: number,
  onBytes: (n: number) => void = () => {},
): Promise<{ digest: string; size: number }> {
  const h = createHash(algorithm);
  const bufs = [Buffer.allocUnsafe(chunk), Buffer.allocUnsafe(chunk)] as const;
  let size = 0;
  let which = 0;
  const f = await open(path, 'r');
  try {
    // Asked before each read: a read that finds nothing after the writer was done is the end.
    const readAt = () => ({ done: written(), read: f.read(bufs[which]!, 0, chunk, size) });
    let next = readAt();
    for (;;) {
      const { bytesRead, buffer } = await next.read;
      if (bytesRead > 0) {
        size += bytesRead;
        which ^= 1;
        next = readAt();
        h.update(buffer.subarray(0, bytesRead));
        onBytes(bytesRead);
      } else if (next.done) break;
      else {
        await new Promise((r) => setTimeout(r, pollMs));
        next = readAt();
      }
    }
  } finally {
    await f.close();
  }
  return { digest: h.digest('hex'), size };
}
