// Why: the controller's side of the agent wire, independent of how the bytes travel (a local
// child's pipes today, an SSH exec channel later). It correlates answers with requests, checks
// every incoming message against the shared schemas, enforces timeouts and cancellation, and
// turns a dead or babbling agent into clean errors for whoever is waiting.
import { EventEmitter } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { Readable, Writable } from 'node:stream';
import {
  agentEvents,
  agentMethods,
  agentToControllerSchema,
  MAX_LINE_BYTES,
  PROTOCOL_VERSION,
  type AgentEventName,
  type AgentMethod,
  type AgentParams,
  type AgentResult,
  type HelloResult,
} from '../../shared/protocol';
import { createLineSplitter } from '../../shared/lineSplitter';
import { SeamlessError, tailOf } from '../../shared/errors';
import type { z } from 'zod';

export interface CallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface Pending {
  method: AgentMethod;
  resolve: (value: unknown) => void;
  reject: (err: SeamlessError) => void;
  cleanup: () => void;
}

export interface AgentEndpoints {
  input: Readable;
  output: Writable;
  /** The agent's stderr: its log, kept as evidence when it fails. */
  log?: Readable;
}

export type AgentEventMap = { [E in AgentEventName]: [z.infer<(typeof agentEvents)[E]>] } & {
  closed: [SeamlessError];
  protocolError: [SeamlessError];
};

const DEFAULT_TIMEOUT_MS = 30_000;
const LOG_TAIL_CHARS = 16 * 1024;

export class AgentConnection extends EventEmitter<AgentEventMap> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedWith: SeamlessError | null = null;
  private logTail = '';

  constructor(private readonly ends: AgentEndpoints) {
    super();
    const decoder = new StringDecoder('utf8');
    const splitter = createLineSplitter(
      (line) => this.onLine(line),
      (bytes) => this.protocolError(`The agent sent a line of ${bytes} characters (limit ${MAX_LINE_BYTES})`),
      MAX_LINE_BYTES,
    );
    ends.input.on('data', (chunk: Buffer) => splitter.push(decoder.write(chunk)));
    ends.input.on('end', () => {
      splitter.push(decoder.end());
      splitter.flush();
      this.close(new SeamlessError('AGENT_EXITED', 'The agent closed its output', { evidence: this.evidence() }));
    });
    ends.input.on('error', (err) => this.close(new SeamlessError('AGENT_EXITED', `Agent stream failed: ${err.message}`)));
    ends.output.on('error', (err) => this.close(new SeamlessError('AGENT_EXITED', `Cannot write to the agent: ${err.message}`)));
    ends.log?.on('data', (chunk: Buffer) => {
      this.logTail = (this.logTail + chunk.toString('utf8')).slice(-LOG_TAIL_CHARS);
    });
  }

  /** The last lines the agent wrote to its log. */
  evidence(): string {
    return tailOf(this.logTail);
  }

  get closed(): boolean {
    return this.closedWith !== null;
  }

  async hello(controller: string, expectedBuildHash?: string): Promise<HelloResult> {
    const hello = await this.call('hello', { protocolVersion: PROTOCOL_VERSION, controller });
    if (expectedBuildHash !== undefined && hello.buildHash !== expectedBuildHash) {
      throw new SeamlessError(
        'AGENT_BUILD_MISMATCH',
        `The running agent is not the one deployed (expected ${expectedBuildHash.slice(0, 12)}, got ${hello.buildHash.slice(0, 12)}).`,
      );
    }
    return hello;
  }

  call<M extends AgentMethod>(method: M, params: AgentParams<M>, opts: CallOptions = {}): Promise<AgentResult<M>> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (opts.signal?.aborted) return Promise.reject(new SeamlessError('REQUEST_CANCELLED', `${method} was cancelled`));
    const id = this.nextId++;
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<AgentResult<M>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(id)?.reject(
          new SeamlessError('REQUEST_TIMEOUT', `The agent did not answer ${method} within ${timeoutMs / 1000} s`, {
            evidence: this.evidence(),
          }),
        );
      }, timeoutMs);
      const onAbort = () => this.settle(id)?.reject(new SeamlessError('REQUEST_CANCELLED', `${method} was cancelled`));
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        method,
        resolve: resolve as (v: unknown) => void,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          opts.signal?.removeEventListener('abort', onAbort);
        },
      });
      this.ends.output.write(`${JSON.stringify({ id, method, params })}\n`);
    });
  }

  /** Fails everything still waiting, and refuses new calls. */
  close(reason: SeamlessError): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(reason);
    this.emit('closed', reason);
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    p.cleanup();
    return p;
  }

  private protocolError(message: string, evidence?: string): void {
    this.emit('protocolError', new SeamlessError('PROTOCOL_INVALID_MESSAGE', message, { evidence }));
  }

  private onLine(line: string): void {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      // A remote shell's noise (MOTD, profile output) must not break the session: report, go on.
      this.protocolError('The agent sent a line that is not JSON', line.slice(0, 200));
      return;
    }
    const msg = agentToControllerSchema.safeParse(json);
    if (!msg.success) {
      this.protocolError('The agent sent a message that fits no schema', line.slice(0, 200));
      return;
    }
    const m = msg.data;
    if ('event' in m) {
      const name = m.event;
      if (!Object.prototype.hasOwnProperty.call(agentEvents, name)) {
        this.protocolError(`Unknown agent event "${name}"`);
        return;
      }
      const data = agentEvents[name as AgentEventName].safeParse(m.data);
      if (!data.success) {
        this.protocolError(`Invalid data for agent event "${name}"`, line.slice(0, 200));
        return;
      }
      // Each event name maps to its own schema; the emitter's per-name typing cannot follow the
      // dynamic name, so the data is passed through the (checked) union.
      (this.emit as (e: string, d: unknown) => boolean)(name, data.data);
      return;
    }
    if (m.id === null) {
      this.protocolError(`The agent reported an error outside any request: ${'error' in m ? m.error.message : ''}`);
      return;
    }
    const pending = this.settle(m.id);
    if (!pending) {
      this.protocolError(`The agent answered request ${m.id}, which is not waiting`);
      return;
    }
    if ('error' in m) {
      pending.reject(SeamlessError.fromInfo(m.error));
      return;
    }
    const result = agentMethods[pending.method].result.safeParse(m.result);
    if (!result.success) {
      pending.reject(
        new SeamlessError('INVALID_RESULT', `The agent's answer to ${pending.method} does not match the protocol`, {
          evidence: result.error.issues
            .slice(0, 5)
            .map((i) => `${i.path.join('.')}: ${i.message}`)
            .join('\n'),
        }),
      );
      return;
    }
    pending.resolve(result.data);
  }
}
