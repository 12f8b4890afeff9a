import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { JsonChunks } from '../../../agent/rpc/jsonChunks';
import { createMessageWriter, type ByteSink } from '../../../agent/rpc/messageWriter';

/** A sink that reports "full" after every write and drains on the next tick, like a slow pipe. */
function slowSink(): ByteSink & { text: () => string; writes: number; drains: number } {
  const ee = new EventEmitter();
  const parts: string[] = [];
  const sink = {
    writes: 0,
    drains: 0,
    write(chunk: string) {
      parts.push(chunk);
      sink.writes++;
      setImmediate(() => {
        sink.drains++;
        ee.emit('drain');
      });
      return false;
    },
    once(event: 'drain', listener: () => void) {
      return ee.once(event, listener);
    },
    text: () => parts.join(''),
  };
  return sink;
}

describe('createMessageWriter', () => {
  it('writes a chunked answer as one line, waiting for the sink to drain, and keeps messages whole and in order', async () => {
    const sink = slowSink();
    const send = createMessageWriter(sink);
    const big = new JsonChunks<number[]>(() => ['[1', ',2', ',3]']);
    const sent = [
      send({ id: 1, result: big }),
      send({ id: null, error: { code: 'PROTOCOL_INVALID_MESSAGE', message: 'x' } }),
      send({ id: 2, result: 'ok' }),
    ];
    await Promise.all(sent);
    const lines = sink.text().split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { id: 1, result: [1, 2, 3] },
      { id: null, error: { code: 'PROTOCOL_INVALID_MESSAGE', message: 'x' } },
      { id: 2, result: 'ok' },
    ]);
    expect(sink.drains).toBeGreaterThanOrEqual(sink.writes - 1);
  });

  it('ends a line whose chunks fail half-way and answers the request with an error', async () => {
    const sink = slowSink();
    const send = createMessageWriter(sink);
    const broken = new JsonChunks<number[]>(function* () {
      yield '[1';
      throw new Error('boom');
    });
    await send({ id: 7, result: broken });
    await send({ id: 8, result: true });
    const lines = sink.text().split('\n').filter(Boolean);
    expect(lines[0]).toBe('{"id":7,"result":[1');
    expect(JSON.parse(lines[1]!)).toMatchObject({ id: 7, error: { message: expect.stringContaining('boom') } });
    expect(JSON.parse(lines[2]!)).toEqual({ id: 8, result: true });
  });

  it('reclaims memory every 2 MiB of a chunked answer and at its end, never for small messages', async () => {
    const sink = slowSink();
    let reclaims = 0;
    const send = createMessageWriter(sink, () => reclaims++);
    await send({ id: 1, result: 'small' });
    expect(reclaims).toBe(0);
    const piece = `"${'x'.repeat(64 * 1024 - 3)}",`;
    const big = new JsonChunks<string[]>(function* () {
      yield '[';
      for (let i = 0; i < 40; i++) yield piece; // 2.5 MiB
      yield '"end"]';
    });
    await send({ id: 2, result: big });
    expect(reclaims).toBe(2); // after 2 MiB, at the end
    expect(JSON.parse(sink.text().split('\n')[1]!).result).toHaveLength(41);
  });
});
