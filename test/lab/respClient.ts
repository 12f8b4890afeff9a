// Why: the lab's redis proof needs a client connection that lives outside the VM across the
// upgrade: one TCP socket, inline commands, one reply at a time. redis-cli would reconnect on
// its own; this client never does, so a reply on it after the kexec is the same connection.
import { connect, type Socket } from 'node:net';

export type RespValue = string | number | null | RespValue[];

export class RespClient {
  private buf = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  private closed: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (b: Buffer) => {
      this.buf = Buffer.concat([this.buf, b]);
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = new Error('the redis connection was closed');
      this.waiting?.();
    });
    socket.on('error', (err) => {
      this.closed = err;
      this.waiting?.();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RespClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host });
      s.once('error', reject);
      s.once('connect', () => {
        s.off('error', reject);
        resolve(new RespClient(s));
      });
    });
  }

  /** Sends one inline command and returns its reply (errors are thrown). */
  async command(line: string, timeoutMs = 30_000): Promise<RespValue> {
    this.socket.write(`${line}\r\n`);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = parseReply(this.buf, 0);
      if (parsed) {
        this.buf = this.buf.subarray(parsed.end);
        if (parsed.error) throw new Error(`redis: ${parsed.error}`);
        return parsed.value;
      }
      if (this.closed) throw this.closed;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no reply to "${line}" within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiting = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.waiting = null;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** One RESP2 reply starting at `at`, or null when it has not fully arrived. */
export function parseReply(buf: Buffer, at: number): { value: RespValue; error?: string; end: number } | null {
  const eol = buf.indexOf('\r\n', at);
  if (eol === -1) return null;
  const kind = String.fromCharCode(buf[at]!);
  const head = buf.toString('utf8', at + 1, eol);
  const next = eol + 2;
  switch (kind) {
    case '+':
      return { value: head, end: next };
    case '-':
      return { value: null, error: head, end: next };
    case ':':
      return { value: Number(head), end: next };
    case '$': {
      const n = Number(head);
      if (n < 0) return { value: null, end: next };
      if (buf.length < next + n + 2) return null;
      return { value: buf.toString('utf8', next, next + n), end: next + n + 2 };
    }
    case '*': {
      const n = Number(head);
      if (n < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parseReply(buf, pos);
        if (!item) return null;
        items.push(item.value);
        pos = item.end;
      }
      return { value: items, end: pos };
    }
    default:
      throw new Error(`not a RESP reply: ${JSON.stringify(buf.toString('utf8', at, Math.min(buf.length, at + 40)))}`);
  }
}
