// Why: what runs on the host, grouped the way the admin thinks (services, containers, sessions,
// trees), with the memory each would carry across; the admin ticks what to keep.
import { useApp } from '../../store/context';
import { formatBytes } from '../../../shared/format';
import { ErrorBox } from '../../ui/ErrorBox';

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
  const reload = useApp((s) => s.loadInventory);
  if (!inv || inv.status === 'idle') return null;
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
          <table className="workloads" data-testid="workloads">
            <thead>
              <tr>
                <th />
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
            <tbody>
              {inv.data.workloads.map((w) => (
                <tr key={w.id} data-testid={`workload-${w.id}`}>
                  <td>
                    <input type="checkbox" checked={selected.has(w.id)} onChange={() => onToggle(w.id)} aria-label={`Keep ${w.id}`} />
                  </td>
                  <td>
                    {w.name}
                    <div className="muted mono">{w.id}</div>
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
              ))}
            </tbody>
          </table>
          <p className="muted">
            {inv.data.processes.length} processes; host dirty page cache {formatBytes(inv.data.host.dirtyBytes)}
            {inv.data.detail.reason ? ` · ${inv.data.detail.reason}` : ''}
          </p>
        </>
      ) : null}
    </section>
  );
}
