// Why: the upgrade, live: every phase as the host journals it, the moment the host goes away to
// boot the new kernel, the restore, and how it ended. The upgrade runs on the host by itself;
// this only watches (and re-attaches after the link comes back).
import { useEffect, useState } from 'react';
import { useApp } from '../../store/context';
import { ErrorBox } from '../../ui/ErrorBox';

export function RunPanel({ hostId }: { hostId: string }) {
  const preflight = useApp((s) => s.preflight[hostId]);
  const plan = useApp((s) => s.plans[hostId]);
  const view = useApp((s) => s.upgrades[hostId]);
  const session = useApp((s) => s.sessions[hostId]);
  const start = useApp((s) => s.startUpgrade);
  const loadFacts = useApp((s) => s.loadFacts);
  const loadInventory = useApp((s) => s.loadInventory);
  const [confirming, setConfirming] = useState(false);
  const ended = view?.summary?.state;
  // The host changed under the upgrade (new kernel, restored PIDs): read it again once it ends.
  useEffect(() => {
    if (ended === 'done' || ended === 'aborted' || ended === 'failed') {
      void loadFacts(hostId);
      void loadInventory(hostId);
    }
  }, [ended, hostId, loadFacts, loadInventory]);
  const canStart = preflight?.status === 'ready' && preflight.data.canStart && plan !== undefined;
  if (!canStart && !view) return null;

  const last = view?.records.at(-1);
  // Progress records are shown as one bar for the step that is moving, not as list items.
  const progress = last?.state === 'progress' ? last : undefined;
  const done = typeof progress?.data?.bytesDone === 'number' ? progress.data.bytesDone : null;
  const total = typeof progress?.data?.bytesTotal === 'number' ? progress.data.bytesTotal : null;
  const rebooting = last?.phase === 'kexec' && last.state === 'begin';
  const finished = view?.summary && ['done', 'aborted', 'failed'].includes(view.summary.state);

  return (
    <section className="card" aria-label="Upgrade">
      <h2>Upgrade</h2>
      {!view && canStart ? (
        confirming ? (
          <div className="confirm">
            <p>
              This freezes {plan.workloads.join(', ')}, checkpoints them, and kexecs {hostId} into{' '}
              {plan.kernel.release ?? plan.kernel.image}. Everything else on the host is restarted by the new boot.
            </p>
            <button type="button" onClick={() => setConfirming(false)}>
              Cancel
            </button>{' '}
            <button type="button" className="primary" onClick={() => void start(hostId)} data-testid="upgrade-confirm">
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
          {rebooting || (session && session.state !== 'ready' && !finished) ? (
            <p className="rebooting" data-testid="upgrade-rebooting">
              Host rebooting into {typeof last?.data?.kernel === 'string' ? last.data.kernel : (plan?.kernel.release ?? 'the new kernel')};
              waiting for it to answer again ({session?.state ?? '…'}).
            </p>
          ) : null}
          <ol className="phases">
            {view.records
              .filter((r) => r.state !== 'progress')
              .map((r) => (
                <li key={r.seq} className={`phase ${r.state}`} data-testid={`record-${r.phase}-${r.state}`}>
                  <span className="mono">{r.at.slice(11, 19)}</span> <strong>{r.phase}</strong> {r.state} — {r.message}
                  {r.durationMs !== undefined ? <span className="muted"> ({(r.durationMs / 1000).toFixed(1)} s)</span> : null}
                  <span className="muted"> · {r.kernel}</span>
                  {r.error ? <ErrorBox error={r.error} /> : null}
                </li>
              ))}
          </ol>
          {progress && done !== null ? (
            <p data-testid="upgrade-progress">
              <progress value={total ? Math.min(done, total) : undefined} max={total ?? undefined} /> {progress.message}
            </p>
          ) : null}
          {view.summary ? (
            <p
              className={
                view.summary.state === 'done'
                  ? 'ok'
                  : view.summary.state === 'running' || view.summary.state === 'restored'
                    ? 'muted'
                    : 'blocked'
              }
              data-testid="upgrade-state"
            >
              {view.summary.state}
            </p>
          ) : null}
          {view.error && view.id ? <ErrorBox error={view.error} /> : null}
        </div>
      ) : null}
    </section>
  );
}
