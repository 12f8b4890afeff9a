// Why: a host the launcher handed in (the lab) is started and stopped here, with where the start
// stands (build, boot, ready), the latest line of its output and the time it has taken, so a
// fresh checkout leads to a real upgrade without a terminal.
import type { HostRef } from '../../../shared/domain/host';
import type { ProviderStage } from '../../../shared/domain/providedHost';
import { useApp } from '../../store/context';
import { ErrorBox } from '../../ui/ErrorBox';

const STEPS: Record<'start' | 'stop', { stage: ProviderStage; label: string }[]> = {
  start: [
    { stage: 'build', label: 'Image' },
    { stage: 'boot', label: 'Boot' },
    { stage: 'ready', label: 'Ready' },
  ],
  stop: [
    { stage: 'stopping', label: 'Power off' },
    { stage: 'stopped', label: 'Stopped' },
  ],
};

export function ProvidedHostCard({ host }: { host: HostRef & { provided: NonNullable<HostRef['provided']> } }) {
  const control = useApp((s) => s.hostControl[host.id]);
  const controlHost = useApp((s) => s.controlHost);
  const busy = control?.status === 'running';
  const running = host.provided.state === 'running';
  const steps = busy ? STEPS[control.action] : [];
  const at = busy && control.progress ? steps.findIndex((s) => s.stage === control.progress?.stage) : 0;

  return (
    <section className="card" aria-label={`${host.label} (provided)`} data-testid={`provided-${host.id}`}>
      <h2>{host.label}</h2>
      <p data-testid={`provided-state-${host.id}`}>
        <span className={`state state-${running ? 'ready' : 'closed'}`}>{running ? 'running' : 'stopped'}</span>{' '}
        <span className="muted">
          {host.provided.controllable
            ? running
              ? 'Running; stop it here when you are done with it.'
              : 'Start it here: the first start builds its image (several minutes), later ones boot in about a minute.'
            : host.provided.hint}
        </span>
      </p>
      {host.provided.controllable ? (
        <div className="row">
          <button
            type="button"
            className={running ? '' : 'primary'}
            disabled={busy}
            onClick={() => void controlHost(host.id, running ? 'stop' : 'start')}
            data-testid={`${running ? 'stop' : 'start'}-${host.id}`}
          >
            {running ? `Stop ${host.label}` : `Start ${host.label}`}
          </button>
        </div>
      ) : null}
      {busy ? (
        <div role="status" aria-live="polite" data-testid={`control-progress-${host.id}`}>
          <ol className="steps">
            {steps.map((s, i) => (
              <li key={s.stage} className={i < at ? 'done' : i === at ? 'current' : ''} data-stage={s.stage}>
                {s.label}
              </li>
            ))}
          </ol>
          <p className="mono">{control.progress ? `${control.progress.elapsedS.toFixed(0)} s — ${control.progress.line}` : 'starting…'}</p>
        </div>
      ) : null}
      {control?.status === 'error' ? <ErrorBox error={control.error} /> : null}
    </section>
  );
}
