// Why: much of what the agent reads may legitimately be absent (a cgroup without memory
// accounting, a runtime's state file, a tool's log that was never written, /sys entries of
// another architecture). One reader says "absent" as null instead of every module catching.
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

export function readOptional(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The file's text, or '' when it is absent. */
export function readText(path: string): string {
  return readOptional(path) ?? '';
}

export function listOptional(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/**
 * The first `maxBytes` of a regular file a plan names (a kernel image, its config), or why not.
 * Opened without blocking and checked before reading: a FIFO, a device or a directory given
 * where a file belongs is refused instead of hanging the agent.
 */
export function readRegularFile(path: string, maxBytes: number): { ok: true; data: Buffer } | { ok: false; reason: string } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  } catch (err) {
    return { ok: false, reason: `cannot open ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { ok: false, reason: `${path} is not a regular file` };
    const buf = Buffer.alloc(Math.min(maxBytes, st.size));
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, n);
      if (got === 0) break;
      n += got;
    }
    return { ok: true, data: buf.subarray(0, n) };
  } catch (err) {
    return { ok: false, reason: `cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  } finally {
    closeSync(fd);
  }
}
