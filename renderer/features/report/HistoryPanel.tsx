// Why: every upgrade this app has seen on the host, with what was promised and what happened, so
// the admin can compare runs and hand on any report; the same reports feed the next estimate.
import { useState } from 'react';
import { useApp } from '../../store/context';
import { ErrorBox } from '../../ui/ErrorBox';
import { formatDuration } from '../../../shared/format';
import { rangeText } from '../../../shared/report/reportText';
import { ReportPanel } from './ReportPanel';

export function HistoryPanel({ hostId }: { hostId: string }) {
  const history = useApp((s) => s.history[hostId]);
  const load = useApp((s) => s.loadHistory);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section className="card" aria-label="History">
      <h2>
        History{' '}
        <button type="button" className="link" onClick={() => void load(hostId)} data-testid="history-load">
          {history ? 'refresh' : 'show'}
        </button>
      </h2>
      {history?.status === 'loading' ? <p className="muted">Reading the reports kept for this host…</p> : null}
      {history?.status === 'error' ? <ErrorBox error={history.error} /> : null}
      {history?.status === 'ready' && history.data.length === 0 ? (
        <p className="muted">No upgrade of this host has been reported here yet.</p>
      ) : null}
      {history?.status === 'ready' && history.data.length > 0 ? (
        <table className="estimate-table" data-testid="history">
          <thead>
            <tr>
              <th scope="col">upgrade</th>
              <th scope="col">kernels</th>
              <th scope="col">outcome</th>
              <th scope="col">blackout promised</th>
              <th scope="col">measured</th>
              <th scope="col">
                <span className="visually-hidden">open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {history.data.map((r) => (
              <tr key={r.upgradeId} data-testid={`history-${r.upgradeId}`}>
                <td className="mono">{r.upgradeId}</td>
                <td>
                  {r.kernels.before ?? '?'} → {r.kernels.after ?? '?'}
                </td>
                <td className={r.outcome === 'restored' ? 'ok' : 'blocked'}>{r.outcome ?? 'running'}</td>
                <td>{rangeText(r.blackout.estimate)}</td>
                <td>{r.blackout.measuredMs === null ? '—' : formatDuration(r.blackout.measuredMs)}</td>
                <td>
                  <button type="button" onClick={() => setOpen(open === r.upgradeId ? null : r.upgradeId)}>
                    {open === r.upgradeId ? 'Close' : 'Open'}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {open ? <ReportPanel hostId={hostId} id={open} /> : null}
    </section>
  );
}
