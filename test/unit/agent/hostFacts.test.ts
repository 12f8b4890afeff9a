import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { readHostFacts, type ProcReader } from '../../../agent/facts/hostFacts';
import { SeamlessError } from '../../../shared/errors';

describe('readHostFacts', () => {
  it('reads this machine live from /proc and agrees with uname and the OS', async () => {
    const f = await readHostFacts();
    expect(f.kernel.release).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(f.hostname).toBe(os.hostname());
    expect(f.memory.totalBytes).toBe(os.totalmem());
    expect(f.cpus).toBe(os.cpus().length);
    expect(f.kernel.cmdline.length).toBeGreaterThan(0);
  });

  it('names the file it could not read', async () => {
    const proc: ProcReader = {
      read: async (p) => {
        if (p === '/proc/meminfo') throw new Error('EACCES: permission denied');
        return '1\n';
      },
    };
    const err = await readHostFacts(proc).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SeamlessError);
    expect((err as SeamlessError).code).toBe('PROC_READ_FAILED');
    expect((err as SeamlessError).message).toContain('/proc/meminfo');
    expect((err as SeamlessError).evidence).toContain('EACCES');
  });
});
