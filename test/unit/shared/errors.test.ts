import { describe, expect, it } from 'vitest';
import { SeamlessError, errorInfoSchema, tailOf, toErrorInfo } from '../../../shared/errors';

describe('errors', () => {
  it('round-trips code, message and evidence through ErrorInfo', () => {
    const e = new SeamlessError('CRIU_DUMP_FAILED', 'Dump failed', { evidence: 'line1\nline2' });
    const info = errorInfoSchema.parse(JSON.parse(JSON.stringify(e.toInfo())));
    const back = SeamlessError.fromInfo(info);
    expect(back.code).toBe('CRIU_DUMP_FAILED');
    expect(back.message).toBe('Dump failed');
    expect(back.evidence).toBe('line1\nline2');
  });

  it('rejects an unknown code', () => {
    expect(errorInfoSchema.safeParse({ code: 'NOPE', message: 'x' }).success).toBe(false);
  });

  it('wraps foreign throwables with the fallback code', () => {
    expect(toErrorInfo(new TypeError('boom'))).toEqual({ code: 'AGENT_INTERNAL', message: 'boom' });
    expect(toErrorInfo('str', 'PROC_READ_FAILED')).toEqual({ code: 'PROC_READ_FAILED', message: 'str' });
  });

  it('keeps the tail of a log', () => {
    const log = Array.from({ length: 30 }, (_, i) => `l${i}`).join('\n') + '\n\n';
    expect(tailOf(log, 3)).toBe('l27\nl28\nl29');
  });
});
