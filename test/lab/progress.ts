// Why: a cold build takes minutes and a TCG boot most of one; every step prints
// when it starts and ends with elapsed seconds so a slow or stuck step is obvious,
// and the durations are kept for the cache manifest and NOTES.md.

export type LogFn = (line: string) => void;

export const stdoutLog: LogFn = (line) => process.stdout.write(`${line}\n`);

export class Progress {
  private readonly t0 = Date.now();
  readonly durations: Record<string, number> = {};

  constructor(private readonly log: LogFn) {}

  /** Seconds since this Progress was created. */
  elapsed(): number {
    return (Date.now() - this.t0) / 1000;
  }

  note(message: string): void {
    this.log(`[${this.elapsed().toFixed(1).padStart(6)}s] ${message}`);
  }

  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const start = Date.now();
    this.note(`${name} ...`);
    try {
      const result = await fn();
      const secs = (Date.now() - start) / 1000;
      this.durations[name] = Math.round(secs * 10) / 10;
      this.note(`${name}: done in ${secs.toFixed(1)}s`);
      return result;
    } catch (err) {
      this.note(`${name}: FAILED after ${((Date.now() - start) / 1000).toFixed(1)}s`);
      throw err;
    }
  }
}
