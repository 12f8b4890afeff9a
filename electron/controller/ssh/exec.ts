// Why: OpenSSH allows 10 sessions per connection (sshd_config MaxSessions), and every exec or
// SFTP channel is one. Seamless keeps one long-lived channel for the agent and runs every other
// command through this queue, one channel at a time, with a timeout, so a busy moment can never
// exhaust the server's limit or leave a hung channel behind.
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import { SeamlessError, tailOf } from '../../../shared/errors';

export interface ExecResult {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Sent on the channel's stdin, then EOF. */
  stdin?: Buffer | string | (() => AsyncIterable<Buffer>);
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_OUTPUT = 4 * 1024 * 1024;

export class CommandQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private lostWith: SeamlessError | null = null;

  constructor(private readonly client: Client) {}

  /** After the connection is gone, every queued and new command fails with this. */
  markLost(reason: SeamlessError): void {
    this.lostWith ??= reason;
  }

  /** Runs `fn` with exclusive use of the command slot (e.g. an SFTP session). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(() => {
      if (this.lostWith) throw this.lostWith;
      return fn();
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  run(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    return this.exclusive(() => this.runNow(command, options));
  }

  sftp(): Promise<SFTPWrapper> {
    return new Promise((resolve, reject) => this.client.sftp((err, sftp) => (err ? reject(err) : resolve(sftp))));
  }

  private runNow(command: string, options: ExecOptions): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    return new Promise<ExecResult>((resolve, reject) => {
      this.client.exec(command, (err, channel: ClientChannel) => {
        if (err) {
          reject(new SeamlessError('REMOTE_COMMAND_FAILED', `Could not open a command channel: ${err.message}`));
          return;
        }
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        let signal: string | null = null;
        const timer = setTimeout(() => {
          channel.close();
          reject(
            new SeamlessError('REMOTE_COMMAND_FAILED', `A remote command did not finish within ${timeoutMs / 1000} s`, {
              evidence: tailOf(stderr),
            }),
          );
        }, timeoutMs);
        channel.on('data', (c: Buffer) => {
          if (stdout.length < MAX_OUTPUT) stdout += c.toString('utf8');
        });
        channel.stderr.on('data', (c: Buffer) => {
          if (stderr.length < MAX_OUTPUT) stderr += c.toString('utf8');
        });
        channel.on('exit', (c: number | null, s?: string) => {
          code = c;
          signal = s ?? null;
        });
        channel.on('close', () => {
          clearTimeout(timer);
          if (code === null && signal === null && this.lostWith) reject(this.lostWith);
          else resolve({ code, signal, stdout, stderr });
        });
        const input = options.stdin;
        if (input === undefined) channel.end();
        else if (typeof input === 'function') {
          void (async () => {
            try {
              for await (const chunk of input()) {
                if (!channel.write(chunk)) await new Promise((r) => channel.once('drain', r));
              }
              channel.end();
            } catch (e) {
              channel.close();
              reject(new SeamlessError('REMOTE_COMMAND_FAILED', `Could not send data to a remote command: ${(e as Error).message}`));
            }
          })();
        } else channel.end(input);
      });
    });
  }
}
