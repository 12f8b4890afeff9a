// Why: words the fleet report's renderings (Markdown, HTML, the app's view, the CLI) share, so
// they say the same thing about a host.
import { formatDuration } from '../format';
import type { FleetHost, FleetStatus } from './fleet';
import { OUTCOME_WORDS, rangeText, verdict, VERDICT_WORDS } from './reportText';

/** What each status means (the outcome's own words, as the single report says them). */
export const FLEET_STATUS_WORDS: Record<FleetStatus, string> = {
  ...OUTCOME_WORDS,
  running: 'running: the report was fetched before the upgrade ended; its outcome is not known',
};

export const kernelsText = (h: FleetHost): string => `${h.kernels.before ?? '?'} → ${h.kernels.after ?? '?'}`;

export const promisedText = (h: FleetHost): string => rangeText(h.blackout.estimate);

/** The measured blackout, its verdict against the promise, and a lazy restore's degraded window after it. */
export function measuredText(h: FleetHost): string {
  const b = h.blackout;
  const measured = b.measuredMs === null ? '—' : formatDuration(b.measuredMs);
  const v = verdict(b.estimate, b.measuredMs);
  const words = v === 'unknown' ? '' : ` (${VERDICT_WORDS[v]})`;
  const d = b.degraded;
  const degraded = d
    ? d.ms === null
      ? `; degraded: a lazy fill did not finish (${d.faults} page faults)`
      : `; then degraded ${formatDuration(d.ms)} (${d.faults} page faults)`
    : '';
  return `${measured}${words}${degraded}`;
}

export const workloadsText = (h: FleetHost): string =>
  h.workloads.total === 0 ? 'none' : `${h.workloads.kept} of ${h.workloads.total} kept`;

/** One workload's end, as a word an admin reads. */
export const workloadFate = (w: FleetHost['workloads']['list'][number]): string =>
  w.restored === null ? 'not reached' : w.restored ? 'restored' : 'NOT restored';
