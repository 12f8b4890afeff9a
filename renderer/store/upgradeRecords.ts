// Why: an upgrade's records reach the page more than once (the history again on every
// re-attach, after a reload, after a server restart, from every page that attached) and in
// batches of one animation frame. Each upgrade is kept once, by host and id, with its records
// in seq order and each seq once, so what the page shows is the journal, whichever way it came.
import type { ApiEvent } from '../../shared/api';
import type { JournalRecord } from '../../shared/domain/journal';
import type { UpgradeSummary } from '../../shared/domain/upgrade';
import type { ErrorInfo } from '../../shared/errors';

export interface UpgradeView {
  hostId: string;
  id: string;
  /** Ascending by seq, each seq once. */
  records: JournalRecord[];
  /** The host's own account (state, outcome, target); null until the first summary arrives. */
  summary: UpgradeSummary | null;
  /** Why the controller stopped following (the upgrade itself goes on on the host). */
  error: ErrorInfo | null;
}

export interface UpgradesState {
  byId: Record<string, UpgradeView>;
  /** The upgrade each host's run panel shows. */
  current: Record<string, string>;
}

export const upgradeKey = (hostId: string, id: string): string => `${hostId}/${id}`;

export const emptyUpgrade = (hostId: string, id: string): UpgradeView => ({ hostId, id, records: [], summary: null, error: null });

const isRunning = (v: UpgradeView | undefined): boolean => v !== undefined && v.summary?.state !== 'ended';

/** Records merged into `records`: kept in seq order, a seq already present is not added again. */
export function mergeRecords(records: readonly JournalRecord[], incoming: readonly JournalRecord[]): JournalRecord[] {
  let out: JournalRecord[] | null = null;
  let seen: Set<number> | null = null;
  let unordered = false;
  for (const r of incoming) {
    const list: readonly JournalRecord[] = out ?? records;
    const lastSeq = list.at(-1)?.seq ?? 0;
    if (r.seq <= lastSeq) {
      seen ??= new Set(list.map((x) => x.seq));
      if (seen.has(r.seq)) continue;
      unordered = true;
    }
    out ??= [...records];
    out.push(r);
    seen?.add(r.seq);
  }
  if (!out) return records as JournalRecord[];
  if (unordered) out.sort((a, b) => a.seq - b.seq);
  return out;
}

/** The host's summary, or a more advanced one already held: a late list answer must not undo an end. */
export function newerSummary(cur: UpgradeSummary | null, next: UpgradeSummary): UpgradeSummary {
  if (!cur) return next;
  if (cur.state === 'ended' && next.state !== 'ended') return cur;
  return next.records >= cur.records || next.state === 'ended' ? next : cur;
}

/**
 * Shows an upgrade on its host's panel unless the panel already shows another that is still
 * running (there is one upgrade at a time per host; a finished one gives way to a newer one).
 */
export function showUpgrade(state: UpgradesState, hostId: string, key: string): Record<string, string> {
  const cur = state.current[hostId];
  if (cur === key) return state.current;
  if (cur !== undefined && isRunning(state.byId[cur])) return state.current;
  return { ...state.current, [hostId]: key };
}

type UpgradeEvent = Extract<ApiEvent, { event: 'upgrade.record' | 'upgrade.summary' }>;
export const isUpgradeEvent = (e: ApiEvent): e is UpgradeEvent => e.event === 'upgrade.record' || e.event === 'upgrade.summary';

/** One frame's upgrade events applied in one pass: each touched upgrade is copied once. */
export function applyUpgradeEvents(state: UpgradesState, events: readonly UpgradeEvent[]): UpgradesState {
  if (events.length === 0) return state;
  const pending = new Map<string, { records: JournalRecord[]; summary: UpgradeSummary | null; error: ErrorInfo | null | undefined }>();
  const order: string[] = [];
  for (const e of events) {
    const key = upgradeKey(e.data.hostId, e.data.id);
    let p = pending.get(key);
    if (!p) {
      p = { records: [], summary: null, error: undefined };
      pending.set(key, p);
      order.push(key);
    }
    if (e.event === 'upgrade.record') p.records.push(e.data.record);
    else {
      p.summary = p.summary ? newerSummary(p.summary, e.data.summary) : e.data.summary;
      p.error = e.data.error ?? null;
    }
  }
  const byId = { ...state.byId };
  let current = state.current;
  for (const key of order) {
    const p = pending.get(key)!;
    const first = events.find((e) => upgradeKey(e.data.hostId, e.data.id) === key)!;
    const cur = byId[key] ?? emptyUpgrade(first.data.hostId, first.data.id);
    const records = mergeRecords(cur.records, p.records);
    const summary = p.summary ? newerSummary(cur.summary, p.summary) : cur.summary;
    const error = p.error === undefined ? cur.error : p.error;
    byId[key] = records === cur.records && summary === cur.summary && error === cur.error ? cur : { ...cur, records, summary, error };
    current = showUpgrade({ byId, current }, cur.hostId, key);
  }
  return { byId, current };
}
