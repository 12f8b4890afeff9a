// Why: both transports (Electron IPC and the browser mode's WebSocket) receive untrusted payloads
// from a renderer. This is the one place that checks a method name and its params against
// shared/api.ts before the controller sees them, and shapes every failure as an ErrorInfo.
import { apiMethods, isApiMethod, type SeamlessApi } from '../../shared/api';
import { toErrorInfo, type ErrorInfo } from '../../shared/errors';

export type DispatchOutcome = { ok: true; result: unknown } | { ok: false; error: ErrorInfo };

export async function dispatchApiCall(api: SeamlessApi, method: string, rawParams: unknown): Promise<DispatchOutcome> {
  if (!isApiMethod(method)) return { ok: false, error: { code: 'METHOD_NOT_FOUND', message: `No API method "${method}"` } };
  const params = apiMethods[method].params.safeParse(rawParams ?? {});
  if (!params.success) {
    return {
      ok: false,
      error: { code: 'INVALID_PARAMS', message: `Invalid params for ${method}: ${params.error.issues.map((i) => i.message).join('; ')}` },
    };
  }
  try {
    // Params were validated against this very method's schema; the map is keyed the same way.
    const fn = api[method] as (p: unknown) => Promise<unknown>;
    return { ok: true, result: await fn(params.data) };
  } catch (err) {
    return { ok: false, error: toErrorInfo(err) };
  }
}
