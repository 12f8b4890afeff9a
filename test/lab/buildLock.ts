// Why: two builds into the same cache would trample each other's chroot; a
// lock file holding the builder's PID keeps them apart, and a lock left by a
// killed build (its PID gone) is taken over instead of blocking forever.
import { openSync, writeSync, closeSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { LabError } from './errors.js';

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireLock(path: string): () => void {
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const holder = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && pidAlive(holder)) {
        throw new LabError('BUILD_LOCKED', `another lab build (pid ${holder}) is running; lock ${path}`);
      }
      rmSync(path, { force: true }); // stale
    }
  }
  throw new LabError('BUILD_LOCKED', `cannot take the build lock ${path}`);
}

/** Remove a lock whose holder is gone (a build killed with SIGKILL). */
export function removeStaleLock(path: string): void {
  try {
    const holder = Number(readFileSync(path, 'utf8').trim());
    if (!(Number.isInteger(holder) && holder > 0 && pidAlive(holder))) rmSync(path, { force: true });
  } catch {
    // no lock
  }
}
