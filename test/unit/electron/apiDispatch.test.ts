import { describe, expect, it } from 'vitest';
import { dispatchApiCall } from '../../../electron/controller/apiDispatch';
import type { SeamlessApi } from '../../../shared/api';
import { SeamlessError } from '../../../shared/errors';

const calls: unknown[] = [];
const api: SeamlessApi = {
  'app.info': async () => ({ version: '1', protocolVersion: 1, transport: 'websocket' }),
  'hosts.list': async () => [],
  'host.facts': async (p) => {
    calls.push(p);
    throw new SeamlessError('HOST_UNKNOWN', 'no such host');
  },
  'host.inventory': async () => {
    throw new SeamlessError('HOST_UNKNOWN', 'unused');
  },
  'host.files': async () => [],
  'hosts.add': async () => ({ id: 'x', label: 'x', kind: 'ssh' }),
  'host.connect': async ({ hostId }) => ({ hostId, ready: true }),
  'prompt.answer': async () => ({ accepted: false }),
  'host.preflight': async () => ({ findings: [], criuOptions: {}, estimatedImageBytes: 0, canStart: true }),
};

describe('dispatchApiCall', () => {
  it('refuses unknown methods and invalid params before the controller sees them', async () => {
    expect(await dispatchApiCall(api, 'shell.exec', {})).toMatchObject({ ok: false, error: { code: 'METHOD_NOT_FOUND' } });
    expect(await dispatchApiCall(api, 'host.facts', { hostId: 42 })).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
    expect(await dispatchApiCall(api, 'host.facts', { hostId: 'a', extra: true })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PARAMS' },
    });
    expect(calls).toEqual([]);
  });

  it('passes valid calls through and shapes thrown errors', async () => {
    expect(await dispatchApiCall(api, 'hosts.list', undefined)).toEqual({ ok: true, result: [] });
    expect(await dispatchApiCall(api, 'host.facts', { hostId: 'x' })).toEqual({
      ok: false,
      error: { code: 'HOST_UNKNOWN', message: 'no such host' },
    });
  });
});
