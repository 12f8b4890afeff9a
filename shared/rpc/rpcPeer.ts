// Why: the calling side of both JSON boundaries, written once (VS Code's ipc.ts has the same
// shape): requests correlated by id, a timeout per call, cancellation that is sent to the other
// end (so the work stops there too, not only the waiting here), every incoming message checked
// against the envelope and every result against its method's schema, late answers to cancelled
// requests dropped quietly, and a closed link failing everything still waiting. The transport
// (a pipe of JSON lines, an SSH channel, a WebSocket) only moves messages in and out.
import type * as z from '../zod';
import { SeamlessError, type ErrorInfo } from '../errors';
import { toCallerSchema } from './wire';

/** Timers are the host's (Node or the browser); shared/ has neither, so they are handed in. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** What an AbortSignal offers, named here because shared/ has no DOM or Node types. */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface CallOptions {
  /** null: no timeout (a call that may legitimately take long, such as a dry run). */
  timeoutMs?: number | null;
  signal?: CancelSignal;
}

type MethodTable = Record<string, { result: z.ZodMiniType }>;

export interface RpcPeerOptions {
  /** Who answers, for messages: "the agent", "the Seamless server". */
  peerName: string;
  send(message: { id: number; method: string; params: unknown } | { cancel: number }): void;
  timers: Timers;
  defaultTimeoutMs: number | null;
  /** Result schemas by method; a method not listed has its result passed through unchecked. */
  methods?: MethodTable;
  onEvent?(event: string, data: unknown): void;
  /** Something arrived that is not a well-formed answer or event: reported, never thrown. */
  onProblem?(problem: SeamlessError): void;
  /** Evidence to attach to a timeout (the agent's log tail). */
  evidence?(): string | undefined;
}

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(err: SeamlessError): void;
  cleanup(): void;
}

/** How many cancelled ids are remembered, so their late answers are dropped without a complaint. */
const CANCELLED_MEMORY = 1024;

export class RpcPeer {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly cancelled = new Set<number>();
  private closedWith: SeamlessError | null = null;

  constructor(private readonly opts: RpcPeerOptions) {}

  get closed(): boolean {
    return this.closedWith !== null;
  }

  call(method: string, params: unknown, options: CallOptions = {}): Promise<unknown> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (options.signal?.aborted) return Promise.reject(new SeamlessError('REQUEST_CANCELLED', `${method} was cancelled`));
    const id = this.nextId++;
    const timeoutMs = options.timeoutMs === undefined ? this.opts.defaultTimeoutMs : options.timeoutMs;
    return new Promise<unknown>((resolve, reject) => {
      const timer =
        timeoutMs === null
          ? null
          : this.opts.timers.set(
              () =>
                this.cancel(
                  id,
                  new SeamlessError('REQUEST_TIMEOUT', `${this.opts.peerName} did not answer ${method} within ${timeoutMs / 1000} s`, {
                    evidence: this.opts.evidence?.(),
                  }),
                ),
              timeoutMs,
            );
      const onAbort = () => this.cancel(id, new SeamlessError('REQUEST_CANCELLED', `${method} was cancelled`));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        method,
        resolve,
        reject,
        cleanup: () => {
          if (timer !== null) this.opts.timers.clear(timer);
          options.signal?.removeEventListener('abort', onAbort);
        },
      });
      this.opts.send({ id, method, params });
    });
  }

  /** One message from the other end, already parsed from JSON (`text`: its raw form, for evidence). */
  receive(json: unknown, text?: string): void {
    const msg = toCallerSchema.safeParse(json);
    if (!msg.success) return this.problem(`${this.opts.peerName} sent a message that fits no schema`, text?.slice(0, 200));
    const m = msg.data;
    if ('event' in m) {
      this.opts.onEvent?.(m.event, m.data);
      return;
    }
    if (m.id === null)
      return this.problem(`${this.opts.peerName} reported an error outside any request: ${'error' in m ? m.error.message : ''}`);
    const p = this.settle(m.id);
    if (!p) {
      if (!this.cancelled.delete(m.id)) this.problem(`${this.opts.peerName} answered request ${m.id}, which is not waiting`);
      return;
    }
    if ('error' in m) return p.reject(SeamlessError.fromInfo(m.error as ErrorInfo));
    const schema = this.opts.methods?.[p.method]?.result;
    if (!schema) return p.resolve(m.result);
    const result = schema.safeParse(m.result);
    if (result.success) return p.resolve(result.data);
    p.reject(
      new SeamlessError('INVALID_RESULT', `The answer of ${this.opts.peerName} to ${p.method} does not match the protocol`, {
        evidence: result.error.issues
          .slice(0, 5)
          .map((i) => `${i.path.join('.')}: ${i.message}`)
          .join('\n'),
      }),
    );
  }

  /** Fails everything still waiting, and refuses new calls. */
  close(reason: SeamlessError): void {
    if (this.closedWith) return;
    this.closedWith = reason;
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(reason);
  }

  private cancel(id: number, reason: SeamlessError): void {
    const p = this.settle(id);
    if (!p) return;
    p.reject(reason);
    if (this.closedWith) return;
    this.cancelled.add(id);
    if (this.cancelled.size > CANCELLED_MEMORY) this.cancelled.delete(this.cancelled.values().next().value as number);
    this.opts.send({ cancel: id });
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    this.pending.delete(id);
    p.cleanup();
    return p;
  }

  private problem(message: string, evidence?: string): void {
    this.opts.onProblem?.(new SeamlessError('PROTOCOL_INVALID_MESSAGE', message, { evidence }));
  }
}
