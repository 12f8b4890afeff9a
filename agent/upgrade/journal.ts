// Why: the journal is the upgrade's memory across a dropped SSH session and a kexec. Every
// state change is one typed record (shared/domain/journal.ts), one JSON line fsynced before the
// step it announces goes on, written to the state directory on the root filesystem and mirrored
// into the image store (so the images and the account of how they were made travel together).
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { release } from 'node:os';
import { parseJournal, type JournalRecord, type RecordInput } from '../../shared/domain/journal';
import { summarize, type UpgradeSummary } from '../../shared/domain/upgrade';
import { toErrorInfo } from '../../shared/errors';
import { journalPath, UPGRADES_DIR } from './paths';

function appendLine(path: string, line: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a', 0o600);
  try {
    writeSync(fd, line);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Every record of a journal file; a torn last line is skipped, a kind this build does not know is kept. */
export function readJournal(path: string): JournalRecord[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return parseJournal(text);
}

type Plain<S extends string> = Extract<RecordInput, { state: S }> extends infer R ? (R extends { data: unknown } ? never : R) : never;
/** Phases whose begin and failed records carry no data of their own: `Journal.phase` can write both. */
export type PlainPhase = Plain<'begin'>['phase'] & Plain<'failed'>['phase'];
export type DoneInput = Extract<RecordInput, { state: 'done' }>;

export class Journal {
  readonly path: string;
  private seq: number;
  private mirror: string | null = null;

  constructor(
    readonly id: string,
    path = journalPath(id),
  ) {
    this.path = path;
    this.seq = readJournal(path).at(-1)?.seq ?? 0;
  }

  /** Mirror every later record (and, once, all earlier ones) into `file` on the store. */
  mirrorTo(file: string | null): void {
    this.mirror = file;
    if (file) {
      try {
        mkdirSync(dirname(file), { recursive: true });
        const known = new Set(readJournal(file).map((r) => r.seq));
        for (const r of readJournal(this.path)) if (!known.has(r.seq)) appendLine(file, `${JSON.stringify(r)}\n`);
      } catch {
        this.mirror = null;
      }
    }
  }

  write(input: RecordInput): JournalRecord {
    const now = Date.now();
    const record: JournalRecord = { ...input, seq: ++this.seq, at: new Date(now).toISOString(), atMs: now, kernel: release() };
    const line = `${JSON.stringify(record)}\n`;
    appendLine(this.path, line);
    if (this.mirror) {
      try {
        appendLine(this.mirror, line);
      } catch {
        // the store went away (unmounted for the kexec): the root copy is the record
      }
    }
    process.stderr.write(`seamless[${this.id}] ${record.phase} ${record.state}: ${record.message}\n`);
    return record;
  }

  records(since = 0): JournalRecord[] {
    return readJournal(this.path).filter((r) => r.seq > since);
  }

  /** Runs one phase: a begin record, then its done record (given the measured duration) or a failed one. */
  async phase<T>(phase: PlainPhase, message: string, fn: () => Promise<T>, done: (result: T, durationMs: number) => DoneInput): Promise<T> {
    const t0 = Date.now();
    this.write({ phase, state: 'begin', message });
    try {
      const result = await fn();
      this.write(done(result, Date.now() - t0));
      return result;
    } catch (err) {
      const error = toErrorInfo(err);
      this.write({ phase, state: 'failed', message: error.message, durationMs: Date.now() - t0, error });
      throw err;
    }
  }
}

export function listUpgrades(dir = UPGRADES_DIR): UpgradeSummary[] {
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => existsSync(join(dir, n, 'journal.jsonl')))
    .map((n) => summarize(n, readJournal(join(dir, n, 'journal.jsonl'))))
    .sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
}
