// Why: the controller's side of the agent wire, independent of how the bytes travel (a local
// child's pipes, an SSH exec channel): JSON lines in and out, the agent's log tail kept as
// evidence, and the calls themselves through the one RpcPeer (correlation, timeouts,
// cancellation sent to the agent, schema checks). A dead or babbling agent becomes clean errors.
import { EventEmitter } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import type { Readable, Writable } from 'node:stream';
import {
  agentMethods,
  MAX_LINE_BYTES,
  PROTOCOL_VERSION,
  type AgentMethod,
  type AgentParams,
  type AgentResult,
  type HelloResult,
} from '../../shared/protocol';
import { createLineSplitter } from '../../shared/lineSplitter';
import { SeamlessError, tailOf } from '../../shared/errors';
import { RpcPeer, type CallOptions } from '../../shared/rpc/rpcPeer';
import { nodeTimers } from './nodeTimers';

export type { CallOptions } from '../../shared/rpc/rpcPeer';

export interface AgentEndpoints {
  input: Readable;
  output: Writable;
  /** The agent's stderr: its log, kept as evidence when it fails. */
  log?: Readable;
}

export type AgentEventMap = {
  closed: [SeamlessError];
  protocolError: [SeamlessError];
};

const DEFAULT_TIMEOUT_MS = 30_000;
const LOG_TAIL_CHARS = 16 * 1024;

export class AgentConnection extends EventEmitter<AgentEventMap> {
  private readonly peer: RpcPeer;
  private logTail = '';

  constructor(private readonly ends: AgentEndpoints) {
    super();
    this.peer = new RpcPeer({
      peerName: 'The agent',
      send: (message) => ends.output.write(`${JSON.stringify(message)}\n`),
      timers: nodeTimers,
      defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
      methods: agentMethods,
      onProblem: (problem) => this.emit('protocolError', problem),
      evidence: () => this.evidence(),
    });
    const decoder = new StringDecoder('utf8');
    const splitter = createLineSplitter(
      (line) => this.onLine(line),
      (bytes) =>
        this.emit(
          'protocolError',
          new SeamlessError('PROTOCOL_INVALID_MESSAGE', `The agent sent a line of ${bytes} characters (limit ${MAX_LINE_BYTES})`),
        ),
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
    return this.peer.closed;
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
    return this.peer.call(method, params, opts) as Promise<AgentResult<M>>;
  }

  /** Fails everything still waiting, and refuses new calls. */
  close(reason: SeamlessError): void {
    if (this.peer.closed) return;
    this.peer.close(reason);
    this.emit('closed', reason);
  }

  private onLine(line: string): void {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      // A remote shell's noise (MOTD, profile output) must not break the session: report, go on.
      this.emit(
        'protocolError',
        new SeamlessError('PROTOCOL_INVALID_MESSAGE', 'The agent sent a line that is not JSON', { evidence: line.slice(0, 200) }),
      );
      return;
    }
    this.peer.receive(json, line);
  }
}
