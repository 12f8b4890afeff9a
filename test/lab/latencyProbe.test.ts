import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { percentile, probeRedis } from './latencyProbe.js';
import { RespClient } from './respClient.js';

describe('percentile', () => {
  it('is the nearest rank, and null for no values', () => {
    const v = [5, 1, 4, 2, 3, 6, 7, 8, 9, 10];
    expect(percentile(v, 50)).toBe(5);
    expect(percentile(v, 99)).toBe(10);
    expect(percentile(v, 100)).toBe(10);
    expect(percentile(v, 0)).toBe(1);
    expect(percentile([42], 99)).toBe(42);
    expect(percentile([], 99)).toBeNull();
  });
});

describe('probeRedis', () => {
  let server: Server | null = null;
  afterEach(() => server?.close());

  /** A stand-in redis answering STRLEN with `lengths` in turn (then the last one forever). */
  async function stand(lengths: number[]): Promise<{ port: number; seen: string[] }> {
    const seen: string[] = [];
    server = createServer((s) => {
      let i = 0;
      s.on('data', (b: Buffer) => {
        for (const line of b.toString().split('\r\n').filter(Boolean)) {
          seen.push(line);
          s.write(`:${lengths[Math.min(i++, lengths.length - 1)]}\r\n`);
        }
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return { port: (server.address() as { port: number }).port, seen };
  }

  it('times random keys of the lab’s dataset until stopped', async () => {
    const { port, seen } = await stand([4096]);
    const client = await RespClient.connect(port);
    const probe = probeRedis(client, 50_000, 4096, 1);
    await new Promise((r) => setTimeout(r, 100));
    const timed = await probe.stop();
    client.close();
    expect(timed.length).toBeGreaterThan(3);
    expect(timed.length).toBe(seen.length);
    for (const line of seen) expect(line).toMatch(/^STRLEN lab:\d{6}$/);
    for (const t of timed) expect(t.ms).toBeGreaterThanOrEqual(0);
  });

  it('a wrong value length fails the probe at stop, not before', async () => {
    const { port } = await stand([4096, 4096, 17]);
    const client = await RespClient.connect(port);
    const probe = probeRedis(client, 10, 4096, 1);
    await new Promise((r) => setTimeout(r, 100));
    await expect(probe.stop()).rejects.toThrow(/answered 17, not 4096/);
    client.close();
  });
});
