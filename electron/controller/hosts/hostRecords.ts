// Why: what the controller remembers of a host between sessions, beside its saved target: the
// last calibration (reused until stale) and the report of every upgrade seen (the host's
// history, which the next estimate learns from). Files are validated when read back (a file of
// an older or a damaged format is ignored, never misread) and written atomically, mode 0600.
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as z from '../../../shared/zod';
import {
  CALIBRATION_STALE_MS,
  calibrationSchema,
  workloadTrialSchema,
  type Calibration,
  type WorkloadTrial,
} from '../../../shared/estimate/calibration';
import type { HistoryEntry } from '../../../shared/estimate/history';
import { historyEntryOf } from '../../../shared/report/buildReport';
import { reportSchema, type Report } from '../../../shared/report/model';

/** Up to this many reports are read back as history, newest first. */
const HISTORY_LIMIT = 20;
/** A dry run's workload figures are used for an upgrade started within this time. */
const TRIALS_STALE_MS = 60 * 60 * 1000;
const trialsFileSchema = z.object({ version: z.literal(1), measuredAtMs: z.number(), trials: z.array(workloadTrialSchema) });

function readValid<T>(path: string, schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function writeAtomic(path: string, dir: string, value: unknown): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export class HostRecords {
  constructor(private readonly configDir: string) {}

  private dir(hostId: string): string {
    return join(this.configDir, 'hosts', encodeURIComponent(hostId));
  }

  /** The host's calibration if it is younger than CALIBRATION_STALE_MS. */
  calibration(hostId: string, now = Date.now()): Calibration | null {
    const c = readValid(join(this.dir(hostId), 'calibration.json'), calibrationSchema);
    return c && now - c.measuredAtMs < CALIBRATION_STALE_MS ? c : null;
  }

  saveCalibration(hostId: string, c: Calibration): void {
    writeAtomic(join(this.dir(hostId), 'calibration.json'), this.dir(hostId), c);
  }

  /** What the last dry run measured of the workloads, to keep the promise made at the start. */
  saveTrials(hostId: string, trials: WorkloadTrial[], now = Date.now()): void {
    writeAtomic(join(this.dir(hostId), 'trials.json'), this.dir(hostId), { version: 1, measuredAtMs: now, trials });
  }

  /** The last dry run's figures for these selectors, if younger than TRIALS_STALE_MS (workloads change). */
  trials(hostId: string, selectors: readonly string[], now = Date.now()): WorkloadTrial[] {
    const t = readValid(join(this.dir(hostId), 'trials.json'), trialsFileSchema);
    if (!t || now - t.measuredAtMs > TRIALS_STALE_MS) return [];
    return t.trials.filter((x) => selectors.includes(x.selector));
  }

  saveReport(hostId: string, r: Report): void {
    const dir = join(this.dir(hostId), 'reports');
    writeAtomic(join(dir, `${r.upgradeId}.json`), dir, r);
  }

  /** Kept reports, newest first. */
  reports(hostId: string): Report[] {
    const dir = join(this.dir(hostId), 'reports');
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.json'));
    } catch {
      return [];
    }
    return names
      .map((n) => readValid(join(dir, n), reportSchema))
      .filter((r): r is Report => r !== null)
      .sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? ''));
  }

  /** What the estimate learns from: finished runs, oldest first (the estimate reads the newest). */
  history(hostId: string): HistoryEntry[] {
    return this.reports(hostId)
      .slice(0, HISTORY_LIMIT)
      .map(historyEntryOf)
      .filter((h): h is HistoryEntry => h !== null)
      .reverse();
  }
}
