// Why: browser mode. The page was loaded with the token (kept by the server as an HttpOnly
// cookie), so the socket to /api on the same origin is authorised without the page ever reading
// the token. Calls made before the socket opens wait for it.
import { wsResponseSchema, type ApiMethod } from '../../shared/api';
import type { RawTransport } from './client';

export function createWsTransport(url: string): RawTransport {
  let nextId = 1;
  const waiting = new Map<number, (out: { ok: true; result: unknown } | { ok: false; error: unknown }) => void>();
  const listeners = new Set<(raw: unknown) => void>();
  const closeListeners = new Set<(reason: string) => void>();
  const socket = new WebSocket(url);
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('Cannot reach the Seamless server')), { once: true });
  });
  socket.addEventListener('close', () => {
    for (const l of closeListeners) l('The connection to the Seamless server closed');
    for (const [id, settle] of waiting) {
      waiting.delete(id);
      settle({ ok: false, error: { code: 'AGENT_EXITED', message: 'The connection to the Seamless server closed' } });
    }
  });
  socket.addEventListener('message', (e: MessageEvent) => {
    if (typeof e.data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(e.data);
    } catch {
      return;
    }
    const msg = wsResponseSchema.safeParse(json);
    if (!msg.success) return;
    const m = msg.data;
    if ('event' in m) {
      for (const l of listeners) l(m);
      return;
    }
    if (m.id === null) return;
    const settle = waiting.get(m.id);
    if (!settle) return;
    waiting.delete(m.id);
    settle('error' in m ? { ok: false, error: m.error } : { ok: true, result: m.result });
  });

  return {
    kind: 'websocket',
    async call(method: ApiMethod, params: unknown) {
      await opened;
      const id = nextId++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onClose(listener) {
      closeListeners.add(listener);
    },
  };
}
