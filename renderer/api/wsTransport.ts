// Why: browser mode. The page was loaded under its token's path (/s/<token>/), so the socket
// to that path's api is authorised without a cookie any other local port could receive. Calls made before the socket opens wait for it; the calls themselves go through the
// one RpcPeer (shared/rpc/rpcPeer.ts), as the controller's calls to the agent do.
import type { ApiMethod } from '../../shared/api';
import { SeamlessError } from '../../shared/errors';
import { RpcPeer, type Timers } from '../../shared/rpc/rpcPeer';
import type { RawTransport } from './client';

const browserTimers: Timers = {
  set: (fn, ms) => window.setTimeout(fn, ms),
  clear: (handle) => window.clearTimeout(handle as number),
};

export function createWsTransport(url: string): RawTransport {
  const listeners = new Set<(raw: unknown) => void>();
  const closeListeners = new Set<(reason: string) => void>();
  const socket = new WebSocket(url);
  const peer = new RpcPeer({
    peerName: 'The Seamless server',
    send: (message) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    },
    timers: browserTimers,
    // An upgrade's start or a preflight may take minutes; the server's own calls have timeouts.
    defaultTimeoutMs: null,
    onEvent: (event, data) => {
      for (const l of listeners) l({ event, data });
    },
  });
  const opened = new Promise<void>((resolve, reject) => {
    socket.addEventListener('open', () => resolve(), { once: true });
    socket.addEventListener('error', () => reject(new Error('Cannot reach the Seamless server')), { once: true });
  });
  socket.addEventListener('close', () => {
    for (const l of closeListeners) l('The connection to the Seamless server closed');
    peer.close(new SeamlessError('AGENT_EXITED', 'The connection to the Seamless server closed'));
  });
  socket.addEventListener('message', (e: MessageEvent) => {
    if (typeof e.data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(e.data);
    } catch {
      return;
    }
    peer.receive(json, e.data);
  });

  return {
    kind: 'websocket',
    async call(method: ApiMethod, params: unknown) {
      await opened;
      try {
        return { ok: true, result: await peer.call(method, params) };
      } catch (err) {
        return { ok: false, error: err instanceof SeamlessError ? err.toInfo() : { code: 'AGENT_INTERNAL', message: String(err) } };
      }
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
