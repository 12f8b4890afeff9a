// Why: the container proof needs a client outside the VM whose one TCP connection to lab-kv
// lives across the upgrade: one line out, one line back, and never a reconnect, so an answer
// after the kexec is the same connection.
import { connect, type Socket } from 'node:net';

export class LineClient {
  private buf = '';
  private waiting: (() => void) | null = null;
  private closed: Error | null = null;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (s: string) => {
      this.buf += s;
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = new Error('the connection was closed');
      this.waiting?.();
    });
    socket.on('error', (err) => {
      this.closed = err;
      this.waiting?.();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host });
      s.once('connect', () => resolve(new LineClient(s)));
      s.once('error', reject);
    });
  }

  /** Sends one request line and returns the one answer line (rejects if the connection ends first). */
  async request(line: string, timeoutMs = 60_000): Promise<string> {
    this.socket.write(`${line}\n`);
    const t0 = Date.now();
    for (;;) {
      const nl = this.buf.indexOf('\n');
      if (nl >= 0) {
        const answer = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        return answer;
      }
      if (this.closed) throw this.closed;
      if (Date.now() - t0 > timeoutMs) throw new Error(`no answer to ${line} within ${timeoutMs / 1000} s`);
      await new Promise<void>((r) => {
        this.waiting = r;
        setTimeout(r, 1000);
      });
      this.waiting = null;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
