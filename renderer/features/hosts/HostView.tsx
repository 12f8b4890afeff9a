// Why: one host's page: connect (this machine at once, SSH hosts on request, since that may
// ask for a key or a password), then its facts, its workloads and the preflight of a plan.
import { useEffect, useMemo } from 'react';
import { useApp } from '../../store/context';
import { draftOf } from '../../store/store';
import type { HostRef } from '../../../shared/domain/host';
import { HostFactsCard } from './HostFactsCard';
import { WorkloadsTable } from '../workloads/WorkloadsTable';
import { PreflightPanel } from '../plan/PreflightPanel';
import { RunPanel } from '../run/RunPanel';
import { HistoryPanel } from '../report/HistoryPanel';
import { ProvidedHostCard } from './ProvidedHostCard';

export function HostView({ host }: { host: HostRef }) {
  const connect = useApp((s) => s.connect);
  const session = useApp((s) => s.sessions[host.id]);
  const facts = useApp((s) => s.facts[host.id]);
  const selectors = useApp((s) => draftOf(s, host.id).selectors);
  const selected = useMemo<ReadonlySet<string>>(() => new Set(selectors), [selectors]);
  const toggle = useApp((s) => s.toggleWorkload);
  useEffect(() => {
    if (host.kind === 'local' && !facts) void connect(host.id);
  }, [host, facts, connect]);

  const stopped = host.provided?.state === 'stopped';
  return (
    <div className="host-view">
      {host.provided ? <ProvidedHostCard host={{ ...host, provided: host.provided }} /> : null}
      {stopped ? null : host.kind === 'ssh' && session?.state !== 'ready' ? (
        <section className="card">
          <h2>{host.label}</h2>
          <p className="muted">{session ? `Session: ${session.state}${session.reason ? ` — ${session.reason}` : ''}` : 'Not connected.'}</p>
          <button
            type="button"
            className="primary"
            onClick={() => void connect(host.id)}
            disabled={session !== undefined && !['closed', 'lost'].includes(session.state)}
            data-testid={`connect-${host.id}`}
          >
            Connect
          </button>
        </section>
      ) : null}
      {stopped ? null : <HostFactsCard host={host} />}
      <WorkloadsTable hostId={host.id} selected={selected} onToggle={(selector) => toggle(host.id, selector)} />
      {facts?.status === 'ready' ? <PreflightPanel hostId={host.id} /> : null}
      <RunPanel hostId={host.id} />
      {facts?.status === 'ready' ? <HistoryPanel hostId={host.id} /> : null}
    </div>
  );
}
