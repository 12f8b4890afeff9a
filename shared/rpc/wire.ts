// Why: both JSON boundaries (agent ⇄ controller over JSON lines, renderer ⇄ controller over the
// browser mode's WebSocket) carry the same envelopes: a request with an id, its answer (result
// or coded error), pushed events, and a cancel that names the request it stops. One definition,
// so that RpcPeer (shared/rpc/rpcPeer.ts) and both servers speak exactly the same thing.
import * as z from '../zod';
import { errorInfoSchema } from '../errors';

/** A request's id: a safe, non-negative integer (anything else is never echoed back). */
export const requestId = z.number().check(z.int(), z.nonnegative());

export const requestSchema = z.object({ id: requestId, method: z.string(), params: z.optional(z.unknown()) });
/** The caller gave up on request `cancel` (timeout, or its signal aborted): stop the work, send no answer. */
export const cancelSchema = z.object({ cancel: requestId });
export const successSchema = z.object({ id: requestId, result: z.unknown() });
export const failureSchema = z.object({
  /** null when the request was too broken to have an id. */
  id: z.nullable(requestId),
  error: errorInfoSchema,
});
export const eventSchema = z.object({ event: z.string(), data: z.unknown() });

/** What a caller receives. */
export const toCallerSchema = z.union([successSchema, failureSchema, eventSchema]);
export type ToCaller = z.infer<typeof toCallerSchema>;
/** What a server receives. */
export const toServerSchema = z.union([requestSchema, cancelSchema]);
export type ToServer = z.infer<typeof toServerSchema>;
