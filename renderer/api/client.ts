// Why: the renderer's one way to reach the controller, whichever transport carries it. Results
// are checked against shared/api.ts here too: the renderer trusts no payload it did not check.
import { apiMethods, parseApiEvent, type ApiEvent, type ApiMethod, type ApiParams, type ApiResult } from '../../shared/api';
import { SeamlessError, errorInfoSchema } from '../../shared/errors';

export interface ApiClient {
  readonly transport: 'ipc' | 'websocket';
  call<M extends ApiMethod>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
  /** Called once when the link to the controller is gone for good (the browser mode's server stopped). */
  onClose?(listener: (reason: string) => void): void;
}

/** Raw transport: sends a call and yields the raw outcome, or raw events. */
export interface RawTransport {
  readonly kind: 'ipc' | 'websocket';
  call(method: ApiMethod, params: unknown): Promise<{ ok: true; result: unknown } | { ok: false; error: unknown }>;
  onEvent(listener: (raw: unknown) => void): () => void;
  onClose?(listener: (reason: string) => void): void;
}

export function createApiClient(transport: RawTransport): ApiClient {
  return {
    transport: transport.kind,
    async call(method, params) {
      const out = await transport.call(method, params);
      if (!out.ok) {
        const info = errorInfoSchema.safeParse(out.error);
        throw info.success
          ? SeamlessError.fromInfo(info.data)
          : new SeamlessError('PROTOCOL_INVALID_MESSAGE', `The controller sent a malformed error for ${method}`);
      }
      const result = apiMethods[method].result.safeParse(out.result);
      if (!result.success) throw new SeamlessError('INVALID_RESULT', `The controller's answer to ${method} does not match the API`);
      return result.data as ApiResult<typeof method>;
    },
    onEvent(listener) {
      return transport.onEvent((raw) => {
        if (typeof raw !== 'object' || raw === null || !('event' in raw) || typeof raw.event !== 'string') return;
        const event = parseApiEvent({ event: raw.event, data: 'data' in raw ? raw.data : undefined });
        if (event) listener(event);
      });
    },
    onClose: transport.onClose?.bind(transport),
  };
}
