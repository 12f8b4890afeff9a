// Why: an upgrade takes minutes and the admin looks elsewhere meanwhile; when it ends while the
// window is in the background, a desktop notification says how, in the words of the report.
import type { ApiEvent } from '../../shared/api';
import { OUTCOME_WORDS } from '../../shared/report/reportText';

type SummaryEvent = Extract<ApiEvent, { event: 'upgrade.summary' }>['data'];

/** The notification for a summary event: only for an ended upgrade, once per upgrade (`seen` remembers). */
export function upgradeNotice(e: SummaryEvent, seen: Set<string>): { title: string; body: string; urgent: boolean } | null {
  if (e.summary.state !== 'ended') return null;
  const key = `${e.hostId}/${e.id}`;
  if (seen.has(key)) return null;
  seen.add(key);
  const outcome = e.summary.outcome;
  return {
    title: `Upgrade of ${e.hostId} ${outcome === 'restored' ? 'done' : 'ended'}`,
    body: outcome
      ? OUTCOME_WORDS[outcome]
      : (e.error?.message ?? 'The upgrade ended without an outcome; the journal says where it stopped.'),
    urgent: outcome !== 'restored',
  };
}
