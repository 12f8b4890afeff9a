// Why: inside Electron the preload script exposes `window.seamless` (one function per method);
// this adapts it to the same transport shape as the browser mode's socket.
import type { ApiMethod } from '../../shared/api';
import type { RawTransport } from './client';

export interface PreloadBridge {
  methods: Record<ApiMethod, (params: unknown) => Promise<unknown>>;
  onEvent: (listener: (event: unknown) => void) => () => void;
}

declare global {
  interface Window {
    seamless?: PreloadBridge;
  }
}

function isOutcome(v: unknown): v is { ok: true; result: unknown } | { ok: false; error: unknown } {
  return typeof v === 'object' && v !== null && 'ok' in v && typeof v.ok === 'boolean';
}

export function createIpcTransport(bridge: PreloadBridge): RawTransport {
  return {
    kind: 'ipc',
    async call(method, params) {
      const out = await bridge.methods[method](params);
      return isOutcome(out) ? out : { ok: false, error: { code: 'PROTOCOL_INVALID_MESSAGE', message: 'Malformed IPC answer' } };
    },
    onEvent: (listener) => bridge.onEvent(listener),
  };
}
