// Why: the workloads list as the admin narrows it: text (name, selector, image), kind, and an
// order (memory first by default). Pure, so the filter that runs on every keystroke over 10,000
// rows is tested and measured on its own.
import type { Workload, WorkloadKind } from '../../../shared/domain/inventory';
import type { Containers } from '../../../shared/domain/containers';

export type SortKey = 'rss' | 'anon' | 'pss' | 'processes' | 'name';
export interface RowQuery {
  text: string;
  kind: WorkloadKind | 'all';
  sort: SortKey;
}

const value = (w: Workload, k: SortKey): number =>
  k === 'rss' ? w.memory.rssBytes : k === 'anon' ? w.memory.anonBytes : k === 'pss' ? (w.memory.pssBytes ?? 0) : w.pids.length;

export function workloadRows(all: readonly Workload[], q: RowQuery): Workload[] {
  const needle = q.text.trim().toLowerCase();
  const kept = all.filter(
    (w) =>
      (q.kind === 'all' || w.kind === q.kind) &&
      (needle === '' ||
        w.name.toLowerCase().includes(needle) ||
        w.id.toLowerCase().includes(needle) ||
        (w.image ?? '').toLowerCase().includes(needle)),
  );
  return q.sort === 'name' ? kept.sort((a, b) => a.name.localeCompare(b.name)) : kept.sort((a, b) => value(b, q.sort) - value(a, q.sort));
}

/** Memory of the selected workloads, summed. */
export function selectionTotals(
  all: readonly Workload[],
  selected: ReadonlySet<string>,
): { count: number; rssBytes: number; anonBytes: number } {
  let count = 0;
  let rssBytes = 0;
  let anonBytes = 0;
  for (const w of all)
    if (selected.has(w.id)) {
      count++;
      rssBytes += w.memory.rssBytes;
      anonBytes += w.memory.anonBytes;
    }
  return { count, rssBytes, anonBytes };
}

/**
 * What the row of a container says beside its name: its runtime, its restart policy and the unit
 * that manages it, as the runtime reports them (or why they are not known).
 */
export function containerLine(w: Workload, containers: Containers | null): string | null {
  if (w.kind !== 'container') return null;
  const c = containers?.containers.find((x) => x.runtime === w.runtime && x.id === w.containerId);
  if (!c) {
    const rt = containers?.runtimes.find((r) => r.runtime === w.runtime);
    return `${w.runtime ?? 'runtime unknown'}${rt?.unavailable ? ` (${rt.unavailable})` : containers ? '' : ' (asking the runtime…)'}`;
  }
  return [c.runtime, `restart ${c.restartPolicy}`, ...(c.ociRuntime ? [c.ociRuntime] : []), ...(c.unit ? [`unit ${c.unit}`] : [])].join(
    ' · ',
  );
}
