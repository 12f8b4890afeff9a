// What root does with files others could touch, run for real here (as root): the upload is
// never followed through a link and is root's alone until its hash is checked; only a node that
// root alone could have put in place is trusted; a FIFO or a device named as a kernel image is
// refused at once, not waited on.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installScript, untrustedReason } from '../../electron/controller/ssh/deploy';
import { readRegularFile } from '../../agent/fs/readOptional';

const dir = mkdtempSync(join(tmpdir(), 'seamless-root-'));
chmodSync(dir, 0o700);
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('installing an uploaded agent', () => {
  const agent = Buffer.from('console.log("agent")\n');
  const run = (staged: string | null, tmp: string, dest: string) =>
    spawnSync('sh', ['-c', installScript(staged, tmp, dest, sha(agent))], { encoding: 'utf8' });

  it('a staged file swapped for a link to a secret: refused, nothing of the secret copied', () => {
    const secret = join(dir, 'shadow');
    writeFileSync(secret, 'root:$6$secret-hash:19000::::::\n', { mode: 0o600 });
    const staged = join(dir, 'staged-link');
    symlinkSync(secret, staged);
    const r = run(staged, join(dir, 'tmp1'), join(dir, 'agent1'));
    expect(r.status).toBe(3);
    expect(r.stdout).toContain('hash=not-a-regular-file');
    expect(existsSync(join(dir, 'tmp1'))).toBe(false);
    expect(existsSync(join(dir, 'agent1'))).toBe(false);
    expect(statSync(secret).mode & 0o777).toBe(0o600); // no chmod went through a link
  });

  it('the right file: root’s, 0700, in place; a wrong one: removed, never made executable', () => {
    const staged = join(dir, 'staged');
    writeFileSync(staged, agent, { mode: 0o644 });
    expect(run(staged, join(dir, 'tmp2'), join(dir, 'agent2')).status).toBe(0);
    expect(statSync(join(dir, 'agent2')).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(dir, 'agent2'))).toEqual(agent);
    writeFileSync(staged, 'tampered', { mode: 0o644 });
    const bad = run(staged, join(dir, 'tmp3'), join(dir, 'agent3'));
    expect(bad.status).toBe(3);
    expect(existsSync(join(dir, 'tmp3')) || existsSync(join(dir, 'agent3'))).toBe(false);
  });
});

describe('which node root may run', () => {
  it('root-owned and not writable by others, file and every directory above it; anything else says why', () => {
    expect(untrustedReason('0 755 /usr/bin/node\n0 755 /usr/bin\n0 755 /usr\n0 755 /')).toBeNull();
    expect(untrustedReason('1000 755 /home/u/bin/node\n1000 755 /home/u/bin\n0 755 /home\n0 755 /')).toBe(
      '/home/u/bin/node belongs to uid 1000, not root',
    );
    expect(untrustedReason('0 755 /opt/n/node\n0 777 /opt/n\n0 755 /opt\n0 755 /')).toBe(
      '/opt/n is writable by others than root (mode 777)',
    );
    expect(untrustedReason('0 755 /tmp/node\n0 1777 /tmp\n0 755 /')).toBe('/tmp is writable by others than root (mode 1777)');
    expect(untrustedReason('')).toBe('it could not be examined');
  });
});

describe('files a plan names are opened without waiting', () => {
  it('a FIFO, a directory, a device: refused at once; a file: its first bytes', () => {
    const fifo = join(dir, 'vmlinuz-fifo');
    execFileSync('mkfifo', [fifo]);
    const t0 = Date.now();
    expect(readRegularFile(fifo, 4096)).toEqual({ ok: false, reason: `${fifo} is not a regular file` });
    expect(Date.now() - t0).toBeLessThan(1000);
    mkdirSync(join(dir, 'd'));
    expect(readRegularFile(join(dir, 'd'), 4096)).toMatchObject({ ok: false });
    expect(readRegularFile('/dev/zero', 4096)).toEqual({ ok: false, reason: '/dev/zero is not a regular file' });
    writeFileSync(join(dir, 'img'), Buffer.alloc(10_000, 7));
    const r = readRegularFile(join(dir, 'img'), 4096);
    expect(r.ok && r.data.length).toBe(4096);
  });
});
