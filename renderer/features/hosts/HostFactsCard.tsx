// Why: the first thing an admin checks about a host — is it the box I meant, on which kernel,
// with how much memory — shown from the agent's own reading of /proc.
import { useEffect } from 'react';
import { useApp } from '../../store/context';
import type { HostRef } from '../../../shared/domain/host';
import { formatBytes } from '../../../shared/format';
import { ErrorBox } from '../../ui/ErrorBox';

export function HostFactsCard({ host }: { host: HostRef }) {
  const facts = useApp((s) => s.facts[host.id]);
  const loadFacts = useApp((s) => s.loadFacts);
  useEffect(() => {
    void loadFacts(host.id);
  }, [host.id, loadFacts]);

  return (
    <section className="card" data-testid={`host-${host.id}`} aria-label={host.label}>
      <h2>{host.label}</h2>
      {!facts || facts.status === 'loading' || facts.status === 'idle' ? <p className="muted">Reading facts from the agent…</p> : null}
      {facts?.status === 'error' ? <ErrorBox error={facts.error} /> : null}
      {facts?.status === 'ready' ? (
        <dl className="facts">
          <dt>Hostname</dt>
          <dd data-testid="facts-hostname">{facts.data.hostname}</dd>
          <dt>Kernel</dt>
          <dd data-testid="facts-kernel-release">{facts.data.kernel.release}</dd>
          <dt>CPUs</dt>
          <dd data-testid="facts-cpus">
            {facts.data.cpus}
            {facts.data.cpuModel ? <span className="muted"> × {facts.data.cpuModel}</span> : null}
          </dd>
          <dt>Memory</dt>
          <dd data-testid="facts-memory">
            {formatBytes(facts.data.memory.totalBytes)}
            {facts.data.memory.availableBytes !== null ? (
              <span className="muted"> ({formatBytes(facts.data.memory.availableBytes)} available)</span>
            ) : null}
          </dd>
          <dt>Command line</dt>
          <dd className="mono">{facts.data.kernel.cmdline}</dd>
        </dl>
      ) : null}
    </section>
  );
}
