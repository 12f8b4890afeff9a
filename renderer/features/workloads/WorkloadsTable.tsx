// Why: what runs on the host, grouped the way the admin thinks (services, containers, sessions,
// trees), with the memory each would carry across; the admin narrows the list (text, kind),
// orders it, and ticks what to keep, seeing the selection's total. Above a few hundred rows only
// the visible ones are rendered (@tanstack/react-virtual), so typing stays fluid at 10,000.
import { Fragment, useDeferredValue, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useApp } from '../../store/context';
import { formatBytes } from '../../../shared/format';
import { WORKLOAD_KINDS, type ProcessInfo, type Workload } from '../../../shared/domain/inventory';
import { ErrorBox } from '../../ui/ErrorBox';
import type { Containers } from '../../../shared/domain/containers';
import { containerLine, selectionTotals, workloadRows, type RowQuery, type SortKey } from './workloadRows';

/** Below this many rows every row is in the page (find-in-page and screen readers see all). */
const VIRTUAL_ABOVE = 200;
const ROW_PX = 44;

/** The processes of one workload, as a tree under its row: PID, command, user and memory. */
function ProcessRows({ pids, processes }: { pids: readonly number[]; processes: ReadonlyMap<number, ProcessInfo> }) {
  return (
    <>
      {pids.map((pid) => {
        const p = processes.get(pid);
        return (
          <tr key={pid} className="process-row" data-testid={`process-${pid}`}>
            <td />
            <td colSpan={2} className="mono">
              ↳ {pid} {p ? `${p.comm}${p.user ? ` (${p.user})` : ''}` : ''}
            </td>
            <td className="num">{p ? p.threads : ''}</td>
            <td className="num">{p?.memory ? formatBytes(p.memory.rssBytes) : '–'}</td>
            <td className="num">{p?.memory?.pssBytes != null ? formatBytes(p.memory.pssBytes) : '–'}</td>
            <td className="num">{p?.memory ? formatBytes(p.memory.anonBytes) : '–'}</td>
            <td className="num">{p?.memory ? formatBytes(p.memory.swapBytes) : '–'}</td>
            <td />
          </tr>
        );
      })}
    </>
  );
}

function Row({
  w,
  containers,
  checked,
  onToggle,
  style,
  expanded,
  onExpand,
}: {
  w: Workload;
  /** The runtimes' view of the containers, once loaded. */
  containers: Containers | null;
  checked: boolean;
  onToggle: (id: string) => void;
  expanded?: boolean;
  /** Absent where rows cannot open (the virtualised list keeps a fixed row height). */
  onExpand?: (id: string) => void;
  style?: React.CSSProperties;
}) {
  const container = containerLine(w, containers);
  return (
    <tr data-testid={`workload-${w.id}`} style={style}>
      <td>
        <input type="checkbox" checked={checked} onChange={() => onToggle(w.id)} aria-label={`Keep ${w.id}`} />
      </td>
      <td>
        {onExpand ? (
          <button
            type="button"
            className="link"
            aria-expanded={expanded === true}
            onClick={() => onExpand(w.id)}
            aria-label={`${expanded ? 'Hide' : 'Show'} the processes of ${w.id}`}
          >
            {expanded ? '▾' : '▸'}
          </button>
        ) : null}{' '}
        {w.name}
        <div className="muted mono">{w.id}</div>
        {container ? (
          <div className="muted" data-testid={`container-line-${w.id}`}>
            {container}
          </div>
        ) : null}
      </td>
      <td>{w.kind}</td>
      <td className="num">{w.pids.length}</td>
      <td className="num">{formatBytes(w.memory.rssBytes)}</td>
      <td className="num">{w.memory.pssBytes === null ? '–' : formatBytes(w.memory.pssBytes)}</td>
      <td className="num">{formatBytes(w.memory.anonBytes)}</td>
      <td className="num">{formatBytes(w.memory.swapBytes)}</td>
      <td className="num" title={w.pageCache.known ? '' : w.pageCache.reason}>
        {w.pageCache.known ? formatBytes(w.pageCache.cgroup.fileBytes) : 'unknown'}
      </td>
    </tr>
  );
}

function VirtualBody({
  rows,
  containers,
  selected,
  onToggle,
  scroller,
}: {
  rows: Workload[];
  containers: Containers | null;
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
  scroller: React.RefObject<HTMLDivElement | null>;
}) {
  // The virtualizer's API returns fresh functions each render, which the React compiler cannot memoize; this body is not memoized.
  // eslint-disable-next-line react-hooks/incompatible-library
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_PX, overscan: 12 });
  const items = v.getVirtualItems();
  const top = items[0]?.start ?? 0;
  const bottom = v.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <tbody>
      {top > 0 ? <tr style={{ height: top }} aria-hidden="true" /> : null}
      {items.map((it) => {
        const w = rows[it.index]!;
        return <Row key={w.id} w={w} containers={containers} checked={selected.has(w.id)} onToggle={onToggle} style={{ height: ROW_PX }} />;
      })}
      {bottom > 0 ? <tr style={{ height: bottom }} aria-hidden="true" /> : null}
    </tbody>
  );
}

export function WorkloadsTable({
  hostId,
  selected,
  onToggle,
}: {
  hostId: string;
  selected: ReadonlySet<string>;
  onToggle: (id: string) => void;
}) {
  const inv = useApp((s) => s.inventory[hostId]);
  const loadedContainers = useApp((s) => s.containers[hostId]);
  const containers = loadedContainers?.status === 'ready' ? loadedContainers.data : null;
  const reload = useApp((s) => s.loadInventory);
  const [query, setQuery] = useState<RowQuery>({ text: '', kind: 'all', sort: 'rss' });
  // Typing stays responsive: the list follows the text a frame later if it has to.
  const deferred = useDeferredValue(query);
  const all = inv?.status === 'ready' ? inv.data.workloads : undefined;
  const rows = useMemo(() => (all ? workloadRows(all, deferred) : []), [all, deferred]);
  const totals = useMemo(() => (all ? selectionTotals(all, selected) : null), [all, selected]);
  const scroller = useRef<HTMLDivElement | null>(null);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggleExpanded = (id: string) =>
    setExpanded((cur) => {
      const next = new Set(cur);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const procs = useMemo(() => new Map((inv?.status === 'ready' ? inv.data.processes : []).map((p) => [p.pid, p])), [inv]);
  if (!inv || inv.status === 'idle') return null;
  const virtual = rows.length > VIRTUAL_ABOVE;
  return (
    <section className="card" aria-label="Workloads">
      <h2>
        Workloads{' '}
        <button type="button" className="link" onClick={() => void reload(hostId)}>
          refresh
        </button>
      </h2>
      {inv.status === 'loading' ? <p className="muted">Reading processes…</p> : null}
      {inv.status === 'error' ? <ErrorBox error={inv.error} /> : null}
      {inv.status === 'ready' ? (
        <>
          <div className="form-row">
            <label>
              Search
              <input
                type="search"
                value={query.text}
                onChange={(e) => setQuery({ ...query, text: e.target.value })}
                placeholder="name, pid:N, unit:NAME, image"
                data-testid="workloads-filter"
              />
            </label>
            <label>
              Kind
              <select
                value={query.kind}
                onChange={(e) => setQuery({ ...query, kind: e.target.value as RowQuery['kind'] })}
                data-testid="workloads-kind"
              >
                <option value="all">all</option>
                {WORKLOAD_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {k}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Order by
              <select value={query.sort} onChange={(e) => setQuery({ ...query, sort: e.target.value as SortKey })}>
                <option value="rss">RSS</option>
                <option value="anon">anonymous memory</option>
                <option value="pss">PSS</option>
                <option value="processes">processes</option>
                <option value="name">name</option>
              </select>
            </label>
          </div>
          <p className="muted" data-testid="workloads-count" data-shown-for={deferred.text} role="status">
            {rows.length} of {inv.data.workloads.length} workloads shown
            {totals && totals.count > 0
              ? ` · selected ${totals.count}: ${formatBytes(totals.rssBytes)} resident, ${formatBytes(totals.anonBytes)} anonymous`
              : ''}
          </p>
          <div className={virtual ? 'workloads-scroll' : undefined} ref={scroller}>
            <table className="workloads" data-testid="workloads">
              <thead>
                <tr>
                  <th>
                    <span className="visually-hidden">keep</span>
                  </th>
                  <th>Workload</th>
                  <th>Kind</th>
                  <th className="num">Procs</th>
                  <th className="num">RSS</th>
                  <th className="num">PSS</th>
                  <th className="num">Anon</th>
                  <th className="num">Swap</th>
                  <th className="num">Page cache</th>
                </tr>
              </thead>
              {virtual ? (
                <VirtualBody rows={rows} containers={containers} selected={selected} onToggle={onToggle} scroller={scroller} />
              ) : (
                <tbody>
                  {rows.map((w) => (
                    <Fragment key={w.id}>
                      <Row
                        w={w}
                        containers={containers}
                        checked={selected.has(w.id)}
                        onToggle={onToggle}
                        expanded={expanded.has(w.id)}
                        onExpand={toggleExpanded}
                      />
                      {expanded.has(w.id) ? <ProcessRows pids={w.pids} processes={procs} /> : null}
                    </Fragment>
                  ))}
                </tbody>
              )}
            </table>
          </div>
          <p className="muted">
            {inv.data.processes.length} processes; host dirty page cache {formatBytes(inv.data.host.dirtyBytes)}
            {inv.data.detail.reason ? ` · ${inv.data.detail.reason}` : ''}
          </p>
        </>
      ) : null}
    </section>
  );
}
