// Why: the estimate needs how long this host's kernel and userspace take to boot. systemd logs
// it once per boot ("Startup finished …", MESSAGE_ID b07a249c…) with the figures as fields; the
// journal of the previous boot has the last real measurement.

export const STARTUP_FINISHED_ID = 'b07a249cd024414a82dd00cd181378ff';

export interface BootTimes {
  kernelUsec: number | null;
  initrdUsec: number | null;
  userspaceUsec: number | null;
  /** Wall-clock time of the "Startup finished" record, µs since the epoch. */
  finishedAtUsec: number | null;
}

const num = (v: unknown): number | null => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null);

/** Parses `journalctl -o json MESSAGE_ID=…` output (one JSON object per line); the last record wins. */
export function parseStartupFinished(jsonLines: string): BootTimes | null {
  let found: BootTimes | null = null;
  for (const line of jsonLines.split('\n')) {
    if (!line.trim()) continue;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line) as Record<string, unknown>;
    } catch {
      continue;
    }
    if (rec.MESSAGE_ID !== STARTUP_FINISHED_ID) continue;
    found = {
      kernelUsec: num(rec.KERNEL_USEC),
      initrdUsec: num(rec.INITRD_USEC),
      userspaceUsec: num(rec.USERSPACE_USEC),
      finishedAtUsec: num(rec.__REALTIME_TIMESTAMP),
    };
  }
  return found;
}

/** The highest _PID among journal records (one JSON object per line). */
export function maxJournalPid(jsonLines: string): number | null {
  let max: number | null = null;
  for (const line of jsonLines.split('\n')) {
    const m = /"_PID":"(\d+)"/.exec(line);
    if (m) max = Math.max(max ?? 0, Number(m[1]));
  }
  return max;
}
