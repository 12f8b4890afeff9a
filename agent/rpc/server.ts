// Why: the agent's side of the wire. It turns each incoming line into exactly one answer (or
// none, for a line that cannot be answered at all) and never lets a bad line crash the agent:
// broken JSON, unknown methods, bad params and handler failures all become error answers. A
// `{"cancel": id}` from the controller (it timed out or gave up) aborts that request's signal,
// so the work stops here too (a running tool is killed), and its answer is not sent.
import type * as z from 'zod/mini';
import {
  agentMethods,
  cancelSchema,
  isAgentMethod,
  requestSchema,
  PROTOCOL_VERSION,
  type AgentMethod,
  type AgentResult,
} from '../../shared/protocol';
import { requestId } from '../../shared/rpc/wire';
import type { JsonChunks } from './jsonChunks';
import { SeamlessError, toErrorInfo, type ErrorInfo } from '../../shared/errors';

/** A handler answers with its result, or with the same result already serialized (large answers). */
export type AgentHandlers = {
  [M in AgentMethod]: (
    params: z.infer<(typeof agentMethods)[M]['params']>,
    signal: AbortSignal,
  ) => Promise<AgentResult<M> | JsonChunks<AgentResult<M>>>;
};

export type Outgoing = { id: number; result: unknown } | { id: number | null; error: ErrorInfo };

export interface RpcServer {
  handleLine(line: string): Promise<void>;
}

function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

export function createRpcServer(handlers: AgentHandlers, send: (msg: Outgoing) => void | Promise<void>): RpcServer {
  let greeted = false;
  /** Requests being worked on, by id: what a cancel aborts. */
  const running = new Map<number, AbortController>();

  async function dispatch(id: number, method: AgentMethod, rawParams: unknown): Promise<void> {
    const spec = agentMethods[method];
    const params = spec.params.safeParse(rawParams ?? {});
    if (!params.success) {
      await send({ id, error: { code: 'INVALID_PARAMS', message: `Invalid params for ${method}: ${describeIssues(params.error)}` } });
      return;
    }
    let result: unknown;
    const ac = new AbortController();
    running.set(id, ac);
    try {
      // The handler map is keyed by method, so this call is type-correct per method; TypeScript
      // cannot correlate the two lookups through the union, hence the widening.
      const handler = handlers[method] as (p: unknown, signal: AbortSignal) => Promise<unknown>;
      result = await handler(params.data, ac.signal);
    } catch (err) {
      if (!ac.signal.aborted) await send({ id, error: toErrorInfo(err) });
      return;
    } finally {
      running.delete(id);
    }
    if (ac.signal.aborted) return; // the controller stopped waiting: nothing to answer
    // The result is checked against its schema by the receiving end (AgentConnection), as
    // every message is; checking it here too would copy a 10,000-process inventory once more.
    await send({ id, result });
  }

  return {
    async handleLine(line: string) {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        await send({
          id: null,
          // Never the line itself: it may be a secret that went astray (a password line sudo did not read).
          error: { code: 'PROTOCOL_INVALID_MESSAGE', message: `A line of ${line.length} characters is not valid JSON` },
        });
        return;
      }
      const cancel = cancelSchema.safeParse(json);
      if (cancel.success) {
        running.get(cancel.data.cancel)?.abort();
        return;
      }
      const req = requestSchema.safeParse(json);
      if (!req.success) {
        // The id is echoed only when it is a valid one: nothing else of a bad line goes back.
        const id = typeof json === 'object' && json !== null && 'id' in json ? requestId.safeParse(json.id) : null;
        const maybeId = id?.success ? id.data : null;
        await send({ id: maybeId, error: { code: 'PROTOCOL_INVALID_MESSAGE', message: `Not a request: ${describeIssues(req.error)}` } });
        return;
      }
      const { id, method, params } = req.data;
      if (!isAgentMethod(method)) {
        await send({ id, error: { code: 'METHOD_NOT_FOUND', message: `The agent has no method "${method}"` } });
        return;
      }
      if (method === 'hello') {
        const p = agentMethods.hello.params.safeParse(params ?? {});
        if (!p.success) {
          // A hello that is not one unlocks nothing.
          await send({ id, error: { code: 'INVALID_PARAMS', message: `Invalid params for hello: ${describeIssues(p.error)}` } });
          return;
        }
        if (p.data.protocolVersion !== PROTOCOL_VERSION) {
          await send({
            id,
            error: new SeamlessError(
              'PROTOCOL_VERSION_MISMATCH',
              `The controller speaks protocol ${p.data.protocolVersion}, this agent speaks ${PROTOCOL_VERSION}; redeploy the agent that matches the app.`,
            ).toInfo(),
          });
          return;
        }
        greeted = true;
      } else if (!greeted) {
        await send({ id, error: { code: 'PROTOCOL_INVALID_MESSAGE', message: 'The first request must be hello' } });
        return;
      }
      await dispatch(id, method, params);
    },
  };
}
