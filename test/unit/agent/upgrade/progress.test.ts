import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pageImageBytes, trackProgress } from '../../../../agent/upgrade/progress';
import type { Journal } from '../../../../agent/upgrade/journal';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('progress of a step that writes images', () => {
  it('counts only page images', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imgs-'));
    writeFileSync(join(dir, 'pages-1.img'), Buffer.alloc(4096));
    writeFileSync(join(dir, 'pages-12.img'), Buffer.alloc(8192));
    writeFileSync(join(dir, 'pagemap-1.img'), Buffer.alloc(100));
    writeFileSync(join(dir, 'dump.log'), 'x');
    expect(pageImageBytes(dir)).toBe(12288);
    expect(pageImageBytes(join(dir, 'missing'))).toBe(0);
  });

  it('journals the bytes as they grow, once per change, and stops when told', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'imgs-'));
    const written: Parameters<Journal['write']>[0][] = [];
    const journal = { write: (r: Parameters<Journal['write']>[0]) => written.push(r) };
    const stop = trackProgress(
      journal,
      { phase: 'checkpoint', what: 'pid:1 dump', bytesTotal: 3 * 1024 * 1024, measure: () => pageImageBytes(dir) },
      20,
    );
    writeFileSync(join(dir, 'pages-1.img'), Buffer.alloc(1024 * 1024));
    await sleep(80);
    appendFileSync(join(dir, 'pages-1.img'), Buffer.alloc(2 * 1024 * 1024));
    await sleep(80);
    stop();
    const count = written.length;
    appendFileSync(join(dir, 'pages-1.img'), Buffer.alloc(1024));
    await sleep(60);
    expect(written.length).toBe(count);
    const done = written.map((r) => (r.state === 'progress' ? r.data.bytesDone : -1));
    expect(done).toEqual([...new Set(done)]);
    expect(done.at(-1)).toBe(3 * 1024 * 1024);
    expect(written.at(-1)).toMatchObject({ phase: 'checkpoint', state: 'progress', message: 'pid:1 dump: 3 MiB of about 3 MiB' });
  });
});
