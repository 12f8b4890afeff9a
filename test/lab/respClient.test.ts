import { describe, expect, it } from 'vitest';
import { parseReply } from './respClient.js';

describe('parseReply', () => {
  it('reads simple, error, integer, bulk and array replies, and waits for a partial one', () => {
    expect(parseReply(Buffer.from('+OK\r\n'), 0)).toEqual({ value: 'OK', end: 5 });
    expect(parseReply(Buffer.from('-ERR no\r\n'), 0)).toMatchObject({ error: 'ERR no' });
    expect(parseReply(Buffer.from(':50001\r\n'), 0)).toEqual({ value: 50001, end: 8 });
    expect(parseReply(Buffer.from('$1\r\n1\r\n'), 0)).toEqual({ value: '1', end: 7 });
    expect(parseReply(Buffer.from('$-1\r\n'), 0)).toEqual({ value: null, end: 5 });
    expect(parseReply(Buffer.from('*2\r\n$1\r\na\r\n:2\r\n'), 0)).toEqual({ value: ['a', 2], end: 15 });
    expect(parseReply(Buffer.from('$5\r\nab'), 0)).toBeNull();
    expect(parseReply(Buffer.from('*2\r\n$1\r\na\r\n'), 0)).toBeNull();
  });
});
