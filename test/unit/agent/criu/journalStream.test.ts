import { mkdtempSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { externalUnixInodes, externalUnixOption, openJournalStream, restoreOptions } from '../../../../agent/criu/journalStream';
import { sh } from '../../../../agent/exec/sh';

describe('journal streams across the dump and the restore', () => {
  it('marks a journal stream external on dump and turns it into an inherited fd on restore', () => {
    const dump = ['--manage-cgroups', externalUnixOption(22305), '--tcp-established', externalUnixOption(22400)];
    expect(externalUnixInodes(dump)).toEqual([22305, 22400]);
    expect(restoreOptions(dump)).toEqual({
      args: ['--manage-cgroups', '--tcp-established', '--inherit-fd=fd[3]:socket:[22305]', '--inherit-fd=fd[4]:socket:[22400]'],
      inodes: [22305, 22400],
    });
    expect(restoreOptions(['--shell-job'])).toEqual({ args: ['--shell-job'], inodes: [] });
  });

  it('opens a stream with journald’s header and hands it to a tool as fd 3', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'journal-')), 'stdout');
    const received: string[] = [];
    let peer: Socket | null = null;
    const closed = new Promise<void>((resolve) => {
      const server = createServer((s) => {
        peer = s;
        s.on('data', (b: Buffer) => received.push(b.toString()));
        s.on('end', () => {
          server.close();
          resolve();
        });
      });
      server.listen(path);
    });
    await new Promise((r) => setTimeout(r, 50));
    const stream = await openJournalStream('redis-server', 'redis-server.service', path);
    const r = await sh('sh', ['-c', 'echo "a line from the restored process" >&3'], { passFds: [stream] });
    stream.destroy();
    expect(r.code).toBe(0);
    await closed;
    expect(peer).not.toBeNull();
    expect(received.join('')).toBe('redis-server\nredis-server.service\n6\n1\n0\n0\n0\na line from the restored process\n');
  });

  it('fails with the reason when journald is not listening', async () => {
    await expect(openJournalStream('x', null, '/nonexistent/stdout')).rejects.toThrow(/ENOENT/);
  });
});
