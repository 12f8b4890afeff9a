// Why: the first thing an admin checks about a host — is it the box I meant, on which kernel,
// with how much memory, which kernels are installed, can it checkpoint and kexec — shown from
// the agent's own reading of the host.
import { useApp } from '../../store/context';
import type { HostRef } from '../../../shared/domain/host';
import { formatBytes } from '../../../shared/format';
import { ErrorBox } from '../../ui/ErrorBox';
import { readiness } from './readiness';

export function HostFactsCard({ host }: { host: HostRef }) {
  const facts = useApp((s) => s.facts[host.id]);
  if (!facts || facts.status === 'idle') return null;
  return (
    <section className="card" data-testid={`host-${host.id}`} aria-label={`${host.label} facts`}>
      <h2>{host.label}</h2>
      {facts.status === 'loading' ? <p className="muted">Reading facts from the agent…</p> : null}
      {facts.status === 'error' ? <ErrorBox error={facts.error} /> : null}
      {facts.status === 'ready' ? (
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
          <dt>Kernels in /boot</dt>
          <dd data-testid="facts-boot-kernels">
            {facts.data.bootKernels.map((k) => `${k.version}${k.running ? ' (running)' : ''}`).join(', ') || 'none'}
          </dd>
          <dt>Persistent memory</dt>
          <dd data-testid="facts-pmem">
            {facts.data.pmem.devices.map((d) => `/dev/${d.name} ${formatBytes(d.sizeBytes)}`).join(', ') || 'none'}
          </dd>
          <dt>CRIU</dt>
          <dd data-testid="facts-criu">
            {facts.data.criu.version
              ? `${facts.data.criu.version}, check ${facts.data.criu.checkPassed === true ? 'passed' : facts.data.criu.checkPassed === false ? 'FAILED' : 'not run'}`
              : (facts.data.criu.reason ?? 'not installed')}
          </dd>
          <dt>kexec</dt>
          <dd>
            {facts.data.kexec.version
              ? `kexec-tools ${facts.data.kexec.version}${facts.data.kexec.loadDisabled ? ', disabled by sysctl' : ''}`
              : 'kexec-tools not installed'}
          </dd>
          <dt>Command line</dt>
          <dd className="mono">{facts.data.kernel.cmdline}</dd>
        </dl>
      ) : null}
      {facts.status === 'ready' ? (
        <ul className="readiness" aria-label="Ready for an upgrade?" data-testid="readiness">
          {readiness(facts.data).map((r) => (
            <li key={r.id} className={r.ok ? 'ok' : 'blocked'} data-testid={`ready-${r.id}`}>
              {r.ok ? '✓' : '✗'} {r.what}
              {r.fix ? <div className="fix">Fix: {r.fix}</div> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
