import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AgentConnection } from '../../../electron/controller/agentConnection';
import { SeamlessError } from '../../../shared/errors';
import { sampleFacts } from '../../helpers/sampleFacts';

/** A scripted fake agent on the far side of two pipes: it sees requests and writes raw lines. */
function pair() {
  const toAgent = new PassThrough();
  const fromAgent = new PassThrough();
  const log = new PassThrough();
  const conn = new AgentConnection({ input: fromAgent, output: toAgent, log });
  const requests: { id: number; method: string; params: unknown; cancel?: number }[] = [];
  toAgent.on('data', (c: Buffer) => {
    for (const l of c.toString().split('\n').filter(Boolean)) requests.push(JSON.parse(l));
  });
  const reply = (obj: unknown) => fromAgent.write(`${JSON.stringify(obj)}\n`);
  return { conn, requests, reply, fromAgent, log };
}

const tick = () => new Promise((r) => setImmediate(r));
const facts = sampleFacts();

describe('AgentConnection', () => {
  it('correlates answers to requests out of order', async () => {
    const { conn, requests, reply } = pair();
    const a = conn.call('host.facts', {});
    const b = conn.call('host.facts', {});
    await tick();
    reply({ id: requests[1]!.id, result: { ...facts, hostname: 'second' } });
    reply({ id: requests[0]!.id, result: { ...facts, hostname: 'first' } });
    expect((await a).hostname).toBe('first');
    expect((await b).hostname).toBe('second');
  });

  it('rejects with the agent error, code and evidence intact', async () => {
    const { conn, requests, reply } = pair();
    const p = conn.call('host.facts', {});
    await tick();
    reply({ id: requests[0]!.id, error: { code: 'PROC_READ_FAILED', message: 'm', evidence: 'e' } });
    await expect(p).rejects.toMatchObject({ code: 'PROC_READ_FAILED', message: 'm', evidence: 'e' });
  });

  it('rejects a result that does not match the protocol', async () => {
    const { conn, requests, reply } = pair();
    const p = conn.call('host.facts', {});
    await tick();
    reply({ id: requests[0]!.id, result: { hostname: 3 } });
    await expect(p).rejects.toMatchObject({ code: 'INVALID_RESULT' });
  });

  it('survives garbage lines (shell noise) and reports them', async () => {
    const { conn, requests, reply, fromAgent } = pair();
    const problems: SeamlessError[] = [];
    conn.on('protocolError', (e) => problems.push(e));
    const p = conn.call('host.facts', {});
    fromAgent.write('Welcome to Debian GNU/Linux!\n{"half":\n');
    await tick();
    reply({ id: requests[0]!.id, result: facts });
    await expect(p).resolves.toEqual(facts);
    expect(problems.map((e) => e.code)).toEqual(['PROTOCOL_INVALID_MESSAGE', 'PROTOCOL_INVALID_MESSAGE']);
  });

  it('times out a request with REQUEST_TIMEOUT and tells the agent to stop it; its late answer is dropped quietly', async () => {
    const { conn, requests, reply } = pair();
    const problems: SeamlessError[] = [];
    conn.on('protocolError', (e) => problems.push(e));
    await expect(conn.call('host.facts', {}, { timeoutMs: 20 })).rejects.toMatchObject({ code: 'REQUEST_TIMEOUT' });
    await tick();
    expect(requests).toEqual([expect.objectContaining({ id: 1, method: 'host.facts' }), { cancel: 1 }]);
    reply({ id: 1, result: facts });
    reply({ id: 99, result: facts });
    await tick();
    expect(problems.map((e) => e.message)).toEqual([expect.stringContaining('answered request 99, which is not waiting')]);
  });

  it('cancels a request through its AbortSignal, and the cancel reaches the agent', async () => {
    const { conn, requests } = pair();
    const ac = new AbortController();
    const p = conn.call('host.facts', {}, { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toMatchObject({ code: 'REQUEST_CANCELLED' });
    await tick();
    expect(requests.at(-1)).toEqual({ cancel: requests[0]!.id });
  });

  it('fails every pending call with the agent log as evidence when the agent goes away', async () => {
    const { conn, fromAgent, log } = pair();
    log.write('fatal: out of memory\n');
    const p = conn.call('host.facts', {});
    await tick();
    fromAgent.end();
    const err = await p.catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AGENT_EXITED' });
    expect((err as SeamlessError).evidence).toContain('out of memory');
    await expect(conn.call('host.facts', {})).rejects.toMatchObject({ code: 'AGENT_EXITED' });
  });
});
