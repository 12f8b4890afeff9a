import { describe, expect, it } from 'vitest';
import { agentMethods, agentToControllerSchema, helloResultSchema, requestSchema } from '../../../shared/protocol';

describe('agent protocol schemas', () => {
  it('accepts a well-formed request and rejects a malformed one', () => {
    expect(requestSchema.safeParse({ id: 1, method: 'host.facts', params: {} }).success).toBe(true);
    expect(requestSchema.safeParse({ id: -1, method: 'host.facts' }).success).toBe(false);
    expect(requestSchema.safeParse({ id: 1.5, method: 'x' }).success).toBe(false);
    expect(requestSchema.safeParse({ method: 'x' }).success).toBe(false);
  });

  it('tells answers, errors and events apart', () => {
    expect(agentToControllerSchema.safeParse({ id: 1, result: { a: 1 } }).success).toBe(true);
    expect(agentToControllerSchema.safeParse({ id: null, error: { code: 'PROTOCOL_INVALID_MESSAGE', message: 'x' } }).success).toBe(true);
    expect(agentToControllerSchema.safeParse({ event: 'log', data: {} }).success).toBe(true);
    expect(agentToControllerSchema.safeParse({ hello: 1 }).success).toBe(false);
  });

  it('requires a sha256 build hash in hello', () => {
    const base = { protocolVersion: 2, agentVersion: '1', nodeVersion: '20', pid: 1 };
    expect(helloResultSchema.safeParse({ ...base, buildHash: 'a'.repeat(64) }).success).toBe(true);
    expect(helloResultSchema.safeParse({ ...base, buildHash: 'abc' }).success).toBe(false);
  });

  it('host.facts takes no params', () => {
    expect(agentMethods['host.facts'].params.safeParse({}).success).toBe(true);
    expect(agentMethods['host.facts'].params.safeParse({ extra: 1 }).success).toBe(false);
  });
});
