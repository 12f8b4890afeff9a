// Every record kind the journal knows is written by the agent's Journal and read back by the
// readers' parser as the same typed record (never as `unrecognized`), and the samples cover
// every kind the schema has: a kind added to the schema without a writer/reader test fails here.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal, readJournal } from '../../../../agent/upgrade/journal';
import { journalRecordSchema } from '../../../../shared/domain/journal';
import { SAMPLE_RECORDS } from '../../../helpers/journalRecords';

interface Introspect {
  _zod: { def: { options?: Introspect[] }; propValues?: Record<string, Set<unknown>> };
}
/** The (phase, state) pairs the schema accepts, read from its discriminated unions. */
function kindsOf(schema: Introspect): string[] {
  const out: string[] = [];
  const walk = (s: Introspect) => {
    if (s._zod.def.options) return s._zod.def.options.forEach(walk);
    const v = s._zod.propValues ?? {};
    for (const phase of v.phase ?? []) for (const state of v.state ?? []) out.push(`${String(phase)}/${String(state)}`);
  };
  walk(schema);
  return out.filter((k) => !k.startsWith('unrecognized/'));
}
const kindOf = (r: { phase: string; state: string }) => `${r.phase}/${r.state}`;

describe('journal records', () => {
  it('samples every kind the schema knows', () => {
    const kinds = kindsOf(journalRecordSchema as unknown as Introspect);
    expect(kinds.length).toBeGreaterThan(40);
    expect([...new Set(SAMPLE_RECORDS.map(kindOf))].sort()).toEqual([...new Set(kinds)].sort());
  });

  it('reads back every kind as written, typed, across a new reader', () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-kinds-'));
    const path = join(dir, 'journal.jsonl');
    const j = new Journal('u-kinds-1', path);
    const written = SAMPLE_RECORDS.map((r) => j.write(r));
    const read = readJournal(path);
    expect(read).toHaveLength(SAMPLE_RECORDS.length);
    read.forEach((r, i) => {
      expect(r.phase).not.toBe('unrecognized');
      expect(r).toEqual(written[i]);
      expect(r).toMatchObject(SAMPLE_RECORDS[i]!);
      expect(r.seq).toBe(i + 1);
    });
  });

  it('a record the writer got wrong does not validate (the schema is strict about data)', () => {
    const bad = { seq: 1, at: '', atMs: 0, kernel: 'k', message: 'm', phase: 'kexec', state: 'begin', data: { kernel: '6.1' } };
    const parsed = journalRecordSchema.safeParse(bad);
    // It is only readable as an unknown kind by the tolerant reader, never as a kexec record.
    expect(parsed.success && parsed.data.phase === 'kexec').toBe(false);
  });
});
