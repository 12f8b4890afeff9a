// Why: the steps that move memory (a pre-dump round, the dump under the freeze) take seconds
// per GiB; the admin watching should see bytes move, not a silent phase. While such a step
// runs, the images written so far are measured once a second and journaled as a `progress`
// record (only when the figure changed), which the app and the CLI show as a bar or a line.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordInput } from '../../shared/domain/journal';
import type { Journal } from './journal';

/** Bytes of page images (pages-*.img) in an image directory so far. */
export function pageImageBytes(dir: string): number {
  let total = 0;
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!/^pages-\d+\.img$/.test(name)) continue;
    try {
      total += statSync(join(dir, name)).size;
    } catch {
      // being renamed or removed: counted next time
    }
  }
  return total;
}

export interface ProgressTarget {
  phase: Extract<RecordInput, { state: 'progress' }>['phase'];
  what: string;
  /** Expected bytes, or null when unknown (an incremental dump writes only what changed). */
  bytesTotal: number | null;
  measure: () => number;
}

/** Journals progress every `everyMs` until the returned function is called. */
export function trackProgress(
  journal: { write(input: Parameters<Journal['write']>[0]): unknown },
  t: ProgressTarget,
  everyMs = 1000,
): () => void {
  let last = -1;
  const tick = () => {
    const bytesDone = t.measure();
    if (bytesDone === last) return;
    last = bytesDone;
    const mib = (b: number) => (b / 1024 / 1024).toFixed(0);
    journal.write({
      phase: t.phase,
      state: 'progress',
      message: `${t.what}: ${mib(bytesDone)} MiB${t.bytesTotal ? ` of about ${mib(t.bytesTotal)} MiB` : ''}`,
      data: { what: t.what, bytesDone, bytesTotal: t.bytesTotal },
    });
  };
  const timer = setInterval(tick, everyMs);
  return () => clearInterval(timer);
}
