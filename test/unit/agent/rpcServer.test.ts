import { describe, expect, it } from 'vitest';
import { createRpcServer, type AgentHandlers, type Outgoing } from '../../../agent/rpc/server';
import { SeamlessError } from '../../../shared/errors';
import { PROTOCOL_VERSION } from '../../../shared/protocol';
import type { HostFacts } from '../../../shared/domain/hostFacts';
import { sampleFacts } from '../../helpers/sampleFacts';

const facts: HostFacts = sampleFacts();

function setup(overrides: Partial<AgentHandlers> = {}) {
  const out: Outgoing[] = [];
  const handlers: AgentHandlers = {
    hello: async () => ({
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: 't',
      buildHash: 'a'.repeat(64),
      nodeVersion: '20',
      pid: 1,
    }),
    'host.facts': async () => facts,
    'inventory.list': async () => ({
      scannedAt: 0,
      processes: [],
      workloads: [],
      host: { dirtyBytes: 0, writebackBytes: 0 },
      detail: { level: 'full', reason: null },
      problems: [],
    }),
    'containers.list': async () => ({ runtimes: [], containers: [] }),
    'footprint.files': async () => [],
    'preflight.run': async () => ({ findings: [], criuOptions: {}, estimatedImageBytes: 0, canStart: true }),
    'upgrade.dryRun': async () => {
      throw new SeamlessError('AGENT_INTERNAL', 'not in this test');
    },
    'upgrade.start': async () => ({ upgradeId: 'u-test', unit: 'seamless-upgrade-u-test.service', journal: '/tmp/j' }),
    'upgrade.journal': async () => ({
      id: 'u-test',
      records: [],
      summary: { id: 'u-test', state: 'running', outcome: null, target: null, startedAt: null, last: null, records: 0 },
    }),
    'upgrade.list': async () => [],
    'upgrade.files': async () => ({ plan: null, preflight: null, report: null }),
    'upgrade.cleanup': async () => ({ removed: [], left: [] }),
    ...overrides,
  };
  const server = createRpcServer(handlers, (m) => {
    out.push(m);
  });
  const hello = () =>
    server.handleLine(JSON.stringify({ id: 0, method: 'hello', params: { protocolVersion: PROTOCOL_VERSION, controller: 't' } }));
  return { server, out, hello };
}

describe('agent rpc server', () => {
  it('answers hello, then methods', async () => {
    const { server, out, hello } = setup();
    await hello();
    await server.handleLine('{"id":1,"method":"host.facts","params":{}}');
    expect(out[1]).toEqual({ id: 1, result: facts });
  });

  it('aborts a request the controller cancels, and sends no answer for it', async () => {
    let seen: AbortSignal | null = null;
    const { server, out, hello } = setup({
      'footprint.files': (_p, signal) =>
        new Promise((_resolve, reject) => {
          seen = signal;
          signal.addEventListener('abort', () => reject(new SeamlessError('REQUEST_CANCELLED', 'stopped')));
        }),
    });
    await hello();
    const working = server.handleLine('{"id":7,"method":"footprint.files","params":{"pids":[1]}}');
    await new Promise((r) => setImmediate(r));
    expect(seen!.aborted).toBe(false);
    await server.handleLine('{"cancel":7}');
    await working;
    expect(seen!.aborted).toBe(true);
    expect(out).toHaveLength(1); // hello's answer only
    // A cancel for a request that is not running changes nothing and is not answered.
    await server.handleLine('{"cancel":8}');
    expect(out).toHaveLength(1);
  });

  it('refuses any method before hello', async () => {
    const { server, out } = setup();
    await server.handleLine('{"id":1,"method":"host.facts","params":{}}');
    expect(out[0]).toMatchObject({ id: 1, error: { code: 'PROTOCOL_INVALID_MESSAGE' } });
  });

  it('refuses a controller that speaks another protocol version', async () => {
    const { server, out } = setup();
    await server.handleLine(JSON.stringify({ id: 0, method: 'hello', params: { protocolVersion: PROTOCOL_VERSION + 1, controller: 't' } }));
    expect(out[0]).toMatchObject({ id: 0, error: { code: 'PROTOCOL_VERSION_MISMATCH' } });
  });

  it('answers broken JSON, a non-request, an unknown method and bad params with errors', async () => {
    const { server, out, hello } = setup();
    await hello();
    await server.handleLine('{not json');
    await server.handleLine('{"id":7,"nomethod":true}');
    await server.handleLine('{"id":8,"method":"no.such"}');
    await server.handleLine('{"id":9,"method":"host.facts","params":{"x":1}}');
    expect(out.slice(1)).toMatchObject([
      { id: null, error: { code: 'PROTOCOL_INVALID_MESSAGE' } },
      { id: 7, error: { code: 'PROTOCOL_INVALID_MESSAGE' } },
      { id: 8, error: { code: 'METHOD_NOT_FOUND' } },
      { id: 9, error: { code: 'INVALID_PARAMS' } },
    ]);
  });

  it('turns a handler failure into its error answer, keeping code and evidence', async () => {
    const { server, out, hello } = setup({
      'host.facts': async () => {
        throw new SeamlessError('PROC_READ_FAILED', 'no proc', { evidence: 'EACCES' });
      },
    });
    await hello();
    await server.handleLine('{"id":2,"method":"host.facts"}');
    expect(out[1]).toEqual({ id: 2, error: { code: 'PROC_READ_FAILED', message: 'no proc', evidence: 'EACCES' } });
  });

  it('a hello that does not validate unlocks nothing', async () => {
    const { server, out } = setup();
    await server.handleLine('{"id":0,"method":"hello","params":{"protocolVersion":"two"}}');
    await server.handleLine('{"id":1,"method":"host.facts","params":{}}');
    expect(out).toMatchObject([
      { id: 0, error: { code: 'INVALID_PARAMS' } },
      { id: 1, error: { code: 'PROTOCOL_INVALID_MESSAGE', message: 'The first request must be hello' } },
    ]);
  });

  it('never echoes what a bad line carried: not an invalid id, not the line (it may be a stray password)', async () => {
    const { server, out, hello } = setup();
    await hello();
    await server.handleLine('hunter2-sudo-password');
    for (const id of [-1, 1.5, 2 ** 60, '"7"', 'null']) await server.handleLine(`{"id":${id},"nomethod":true}`);
    expect(JSON.stringify(out.slice(1))).not.toContain('hunter2');
    expect(out.slice(1).map((m) => m.id)).toEqual([null, null, null, null, null, null]);
  });
});
