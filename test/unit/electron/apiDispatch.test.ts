import { describe, expect, it } from 'vitest';
import { dispatchApiCall } from '../../../electron/controller/apiDispatch';
import { API_METHOD_NAMES, type SeamlessApi } from '../../../shared/api';
import { SeamlessError } from '../../../shared/errors';

const calls: unknown[] = [];
const unused = async () => {
  throw new SeamlessError('HOST_UNKNOWN', 'not used in this test');
};
// Every method exists (as the type demands); the ones under test are real.
const api = {
  ...Object.fromEntries(API_METHOD_NAMES.map((m) => [m, unused])),
  'hosts.list': async () => [],
  'host.facts': async (p: unknown) => {
    calls.push(p);
    throw new SeamlessError('HOST_UNKNOWN', 'no such host');
  },
} as unknown as SeamlessApi;

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
