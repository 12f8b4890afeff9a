// Why: the upgrade, live: every phase as the host journals it, the moment the host goes away to
// boot the new kernel, the restore, and how it ended in the host's own word (summary.outcome:
// only `restored` is green). The upgrade runs on the host by itself; this only watches, and
// picks it up again after a reload, a server restart or a reconnect (the store re-attaches).
import { useEffect, useState } from 'react';
import { useApp } from '../../store/context';
import { startablePlan } from '../../store/store';
import { ErrorBox } from '../../ui/ErrorBox';
import { kernelName, targetKernelOf, type JournalRecord } from '../../../shared/domain/journal';
import { outcomeView } from './outcomeView';
import { ReportPanel } from '../report/ReportPanel';
import { LiveEstimate } from './LiveEstimate';

const TONE_CLASS = { success: 'ok', warning: 'warn', error: 'blocked' } as const;

function RecordLine({ r }: { r: JournalRecord }) {
  const [phase, state] = r.phase === 'unrecognized' ? [r.written.phase, r.written.state] : [r.phase, r.state];
  const error = 'error' in r ? r.error : undefined;
  return (
    <li className={`phase ${state}`} data-testid={`record-${phase}-${state}`}>
      <span className="mono">{r.at.slice(11, 19)}</span> <strong>{phase}</strong> {state} — {r.message}
      {'durationMs' in r && r.durationMs !== undefined ? <span className="muted"> ({(r.durationMs / 1000).toFixed(1)} s)</span> : null}
      <span className="muted"> · {r.kernel}</span>
      {error ? <ErrorBox error={error} /> : null}
    </li>
  );
}

export function RunPanel({ hostId }: { hostId: string }) {
  const plan = useApp((s) => startablePlan(s, hostId));
  const view = useApp((s) => {
    const key = s.upgrades.current[hostId];
    return key === undefined ? undefined : s.upgrades.byId[key];
  });
  const session = useApp((s) => s.sessions[hostId]);
  const server = useApp((s) => s.server);
  const start = useApp((s) => s.startUpgrade);
  const loadFacts = useApp((s) => s.loadFacts);
  const loadInventory = useApp((s) => s.loadInventory);
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const kernelBefore = useApp((s) => {
    const f = s.facts[hostId];
    return f?.status === 'ready' ? f.data.kernel.release : null;
  });
  const ended = view?.summary?.state === 'ended';
  // The host changed under the upgrade (new kernel, restored PIDs): read it again once it ends.
  useEffect(() => {
    if (ended) {
      void loadFacts(hostId);
      void loadInventory(hostId);
    }
  }, [ended, hostId, loadFacts, loadInventory]);
  const running = view !== undefined && view.id !== '' && !ended;
  if (!plan && !view) return null;

  const last = view?.records.at(-1);
  // Progress records are shown as one bar for the step that is moving, not as list items.
  const progress = last?.state === 'progress' ? last : undefined;
  const target = view ? (targetKernelOf(view.records) ?? view.summary?.target ?? null) : null;
  const rebootingInto =
    last?.phase === 'kexec' && last.state === 'begin'
      ? `${last.data.back ? 'the old kernel ' : ''}${kernelName(last.data.target)}`
      : target
        ? kernelName(target)
        : 'the new kernel';
  const rebooting = (last?.phase === 'kexec' && last.state === 'begin') || (running && session !== undefined && session.state !== 'ready');
  const outcome = view?.summary?.outcome ? outcomeView(view.summary.outcome, target) : null;

  return (
    <section className="card" aria-label="Upgrade">
      <h2>Upgrade</h2>
      {server.state === 'closed' ? (
        <p className="blocked" data-testid="server-closed">
          {server.reason}. The upgrade goes on on the host; reload the page once Seamless runs again to follow it.
        </p>
      ) : null}
      {plan && !running ? (
        confirming ? (
          <div className="confirm" role="group" aria-label="Confirm the upgrade">
            <p>
              This freezes <strong>{plan.workloads.join(', ')}</strong>, checkpoints them, and kexecs <strong>{hostId}</strong> from{' '}
              <strong>{kernelBefore ?? 'its running kernel'}</strong> into <strong>{plan.kernel.release ?? plan.kernel.image}</strong>.
              Everything else on the host is restarted by the new boot.
            </p>
            <label>
              Type the host name, <span className="mono">{hostId}</span>, to confirm
              <input value={typed} onChange={(e) => setTyped(e.target.value)} autoComplete="off" data-testid="upgrade-confirm-host" />
            </label>{' '}
            <button
              type="button"
              onClick={() => {
                setConfirming(false);
                setTyped('');
              }}
            >
              Cancel
            </button>{' '}
            <button
              type="button"
              className="primary"
              disabled={typed.trim() !== hostId}
              onClick={() => {
                setConfirming(false);
                setTyped('');
                void start(hostId);
              }}
              data-testid="upgrade-confirm"
            >
              Upgrade now
            </button>
          </div>
        ) : (
          <button type="button" className="primary" onClick={() => setConfirming(true)} data-testid="upgrade-start">
            Start upgrade
          </button>
        )
      ) : null}
      {view?.error && !view.id ? <ErrorBox error={view.error} /> : null}
      {view?.id ? (
        <div data-testid="upgrade-run">
          <p className="muted mono">upgrade {view.id}</p>
          {rebooting && !ended ? (
            <p className="rebooting" data-testid="upgrade-rebooting">
              Host rebooting into {rebootingInto}; waiting for it to answer again ({session?.state ?? '…'}).
            </p>
          ) : null}
          <LiveEstimate records={view.records} />
          <ol className="phases">
            {view.records
              .filter((r) => r.state !== 'progress')
              .map((r) => (
                <RecordLine key={r.seq} r={r} />
              ))}
          </ol>
          {progress ? (
            <p data-testid="upgrade-progress">
              <progress
                value={progress.data.bytesTotal ? Math.min(progress.data.bytesDone, progress.data.bytesTotal) : undefined}
                max={progress.data.bytesTotal ?? undefined}
              />{' '}
              {progress.message}
            </p>
          ) : null}
          {view.summary ? (
            outcome ? (
              <div>
                <p className={TONE_CLASS[outcome.tone]} data-testid="upgrade-state">
                  {outcome.word}
                </p>
                <p data-testid="upgrade-outcome">{outcome.sentence}</p>
              </div>
            ) : (
              <p className="muted" data-testid="upgrade-state">
                {view.summary.state}
              </p>
            )
          ) : null}
          {view.error && view.id ? <ErrorBox error={view.error} /> : null}
          {ended ? <ReportPanel hostId={hostId} id={view.id} /> : null}
        </div>
      ) : null}
    </section>
  );
}
