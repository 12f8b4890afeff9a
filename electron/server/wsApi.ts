// Why: the browser mode's transport for shared/api.ts. Each WebSocket message is one request in
// the envelopes of shared/rpc/wire.ts (the same as the agent's), validated and dispatched
// exactly as Electron IPC would be; controller events are pushed to every connected page. A
// `{"cancel": id}` means the page stopped waiting: the answer is not sent.
import type { WebSocket } from 'ws';
import { toServerSchema } from '../../shared/rpc/wire';
import type { Controller } from '../controller/controller';
import { dispatchApiCall } from '../controller/apiDispatch';

const MAX_MESSAGE_BYTES = 1024 * 1024;

export function attachApiSocket(socket: WebSocket, controller: Controller): void {
  const send = (msg: unknown) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(msg));
  };
  const onEvent = (e: { event: string; data: unknown }) => send(e);
  controller.events.on('event', onEvent);
  socket.on('close', () => controller.events.off('event', onEvent));
  const inFlight = new Set<number>();
  const cancelled = new Set<number>();

  socket.on('message', (raw, isBinary) => {
    const text = isBinary ? null : raw.toString();
    if (text === null || text.length > MAX_MESSAGE_BYTES) {
      send({ id: null, error: { code: 'PROTOCOL_INVALID_MESSAGE', message: 'Expected a text message under 1 MiB' } });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      send({ id: null, error: { code: 'PROTOCOL_INVALID_MESSAGE', message: 'Message is not JSON' } });
      return;
    }
    const msg = toServerSchema.safeParse(json);
    if (!msg.success) {
      send({ id: null, error: { code: 'PROTOCOL_INVALID_MESSAGE', message: 'Message is not an API request' } });
      return;
    }
    if ('cancel' in msg.data) {
      if (inFlight.has(msg.data.cancel)) cancelled.add(msg.data.cancel);
      return;
    }
    const { id, method, params } = msg.data;
    inFlight.add(id);
    void dispatchApiCall(controller.api, method, params).then((out) => {
      inFlight.delete(id);
      if (cancelled.delete(id)) return;
      send(out.ok ? { id, result: out.result } : { id, error: out.error });
    });
  });
}
