import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../../renderer/store/store';
import type { ApiClient } from '../../../renderer/api/client';
import { SeamlessError } from '../../../shared/errors';

function fakeApi(handlers: Partial<Record<string, (p: unknown) => unknown>>): ApiClient {
  return {
    transport: 'websocket',
    call: (async (method: string, params: unknown) => {
      const h = handlers[method];
      if (!h) throw new SeamlessError('METHOD_NOT_FOUND', method);
      return h(params);
    }) as ApiClient['call'],
    onEvent: () => () => {},
  };
}

describe('app store', () => {
  it('normalises hosts into byId + order', async () => {
    const store = createAppStore(fakeApi({ 'hosts.list': () => [{ id: 'local', label: 'This machine', kind: 'local' }] }));
    await store.getState().loadHosts();
    const { hosts } = store.getState();
    expect(hosts.order).toEqual(['local']);
    expect(hosts.byId.local?.label).toBe('This machine');
    expect(hosts.load.status).toBe('ready');
  });

  it('keeps the error code and evidence when facts fail', async () => {
    const store = createAppStore(
      fakeApi({
        'host.facts': () => {
          throw new SeamlessError('AGENT_EXITED', 'gone', { evidence: 'segfault' });
        },
      }),
    );
    await store.getState().loadFacts('local');
    expect(store.getState().facts.local).toEqual({
      status: 'error',
      error: { code: 'AGENT_EXITED', message: 'gone', evidence: 'segfault' },
    });
  });

  it('applies session events', () => {
    const store = createAppStore(fakeApi({}));
    store.getState().applyEvents([
      { event: 'session.state', data: { hostId: 'local', state: 'connecting' } },
      { event: 'session.state', data: { hostId: 'local', state: 'ready' } },
    ]);
    expect(store.getState().sessions.local?.state).toBe('ready');
  });
});
