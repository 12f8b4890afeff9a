// Why: the agent's side of the wire. It turns each incoming line into exactly one answer (or
// none, for a line that cannot be answered at all) and never lets a bad line crash the agent:
// broken JSON, unknown methods, bad params and handler failures all become error answers.
import type * as z from 'zod/mini';
import { agentMethods, isAgentMethod, requestSchema, PROTOCOL_VERSION, type AgentMethod, type AgentResult } from '../../shared/protocol';
import type { JsonChunks } from './jsonChunks';
import { SeamlessError, toErrorInfo, type ErrorInfo } from '../../shared/errors';

/** A handler answers with its result, or with the same result already serialized (large answers). */
export type AgentHandlers = {
  [M in AgentMethod]: (params: z.infer<(typeof agentMethods)[M]['params']>) => Promise<AgentResult<M> | JsonChunks<AgentResult<M>>>;
};

export type Outgoing = { id: number; result: unknown } | { id: number | null; error: ErrorInfo } | { event: string; data: unknown };

export interface RpcServer {
  handleLine(line: string): Promise<void>;
  sendEvent(event: string, data: unknown): void;
}

function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}

export function createRpcServer(handlers: AgentHandlers, send: (msg: Outgoing) => void | Promise<void>): RpcServer {
  let greeted = false;

  async function dispatch(id: number, method: AgentMethod, rawParams: unknown): Promise<void> {
    const spec = agentMethods[method];
    const params = spec.params.safeParse(rawParams ?? {});
    if (!params.success) {
      await send({ id, error: { code: 'INVALID_PARAMS', message: `Invalid params for ${method}: ${describeIssues(params.error)}` } });
      return;
    }
    let result: unknown;
    try {
      // The handler map is keyed by method, so this call is type-correct per method; TypeScript
      // cannot correlate the two lookups through the union, hence the widening.
      const handler = handlers[method] as (p: unknown) => Promise<unknown>;
      result = await handler(params.data);
    } catch (err) {
      await send({ id, error: toErrorInfo(err) });
      return;
    }
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
          error: { code: 'PROTOCOL_INVALID_MESSAGE', message: 'Line is not valid JSON', evidence: line.slice(0, 200) },
        });
        return;
      }
      const req = requestSchema.safeParse(json);
      if (!req.success) {
        const maybeId = typeof json === 'object' && json !== null && 'id' in json && Number.isInteger(json.id) ? (json.id as number) : null;
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
        if (p.success && p.data.protocolVersion !== PROTOCOL_VERSION) {
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
    sendEvent(event, data) {
      void send({ event, data });
    },
  };
}
