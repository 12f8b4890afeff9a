// Why: reading /proc is most of the agent's CPU on a busy host. readFileSync stats every file
// (always size 0 in /proc) and reads it in growing chunks; one open, one read into a reused
// buffer and one close costs about half as much. Bounded: a caller says how much it wants.
import { closeSync, openSync, readSync } from 'node:fs';

let scratch = Buffer.alloc(128 * 1024);

/** Reads up to maxBytes into the scratch buffer; returns how many. */
function readInto(path: string, maxBytes: number): number {
  if (scratch.length < maxBytes) scratch = Buffer.alloc(maxBytes);
  const fd = openSync(path, 'r');
  try {
    let total = 0;
    while (total < maxBytes) {
      const n = readSync(fd, scratch, total, maxBytes - total, null);
      if (n === 0) break;
      total += n;
    }
    return total;
  } finally {
    closeSync(fd);
  }
}

/** Up to maxBytes of a /proc file as a fresh Buffer. */
export function readProcBytes(path: string, maxBytes = 64 * 1024): Buffer {
  const n = readInto(path, maxBytes); // first: it may replace the scratch buffer
  return Buffer.from(scratch.subarray(0, n));
}

export function readProcText(path: string, maxBytes = 64 * 1024, encoding: BufferEncoding = 'latin1'): string {
  const n = readInto(path, maxBytes); // first: it may replace the scratch buffer
  return scratch.toString(encoding, 0, n);
}

/** Counts newlines of a /proc file of any size (e.g. maps), reading in chunks. */
export function countProcLines(path: string): number {
  const fd = openSync(path, 'r');
  try {
    let lines = 0;
    for (;;) {
      const n = readSync(fd, scratch, 0, scratch.length, null);
      if (n === 0) return lines;
      for (let i = scratch.indexOf(10); i !== -1 && i < n; i = scratch.indexOf(10, i + 1)) lines++;
    }
  } finally {
    closeSync(fd);
  }
}
