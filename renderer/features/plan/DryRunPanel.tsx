// Why: the rehearsal, from the plan: calibration and a pre-dump round per workload without any
// downtime, and, only if the admin ticks it after reading what it costs, a trial dump that
// freezes each workload briefly. While it runs the elapsed time shows; afterwards what was
// measured, what was removed, and how the estimate moved.
import { useEffect, useState } from 'react';
import { useApp } from '../../store/context';
import { ErrorBox } from '../../ui/ErrorBox';
import { formatBytes, formatDuration } from '../../../shared/format';
import { EstimateView } from './EstimateView';

const rate = (v: number | null) => (v === null ? 'not measured' : `${(v / 1e6).toFixed(0)} MB/s`);

function Elapsed() {
  const [t0] = useState(() => Date.now());
  const [now, setNow] = useState(t0);
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, []);
  return <span>{formatDuration(now - t0)}</span>;
}

export function DryRunPanel({ hostId }: { hostId: string }) {
  const check = useApp((s) => s.planning.checks[hostId]);
  const run = useApp((s) => s.planning.dryRuns[hostId]);
  const dryRun = useApp((s) => s.dryRun);
  const [trial, setTrial] = useState(false);
  const freeze = check?.estimate.status === 'ready' ? check.estimate.data.phases.find((p) => p.phase === 'freeze-dump') : undefined;
  const ready = check?.plan.status === 'ready';
  const result = run && run.rev === check?.rev ? run.result : undefined;
  return (
    <div className="dry-run" aria-label="Dry run">
      <h3>Dry run</h3>
      <p className="muted">
        Measures this host (store, disk, sha256, boot) and pre-dumps each workload while it runs. Nothing is staged or kexeced; what it
        writes is removed.
      </p>
      <label className="check">
        <input type="checkbox" checked={trial} onChange={(e) => setTrial(e.target.checked)} data-testid="dry-run-trial" />
        Also a trial dump: freezes each selected workload while CRIU copies it
        {freeze ? ` (about ${formatDuration(freeze.lowMs)} – ${formatDuration(freeze.highMs)} in all)` : ''}, then lets it run on with its
        PIDs and state.
      </label>
      <button
        type="button"
        onClick={() => void dryRun(hostId, trial)}
        disabled={!ready || result?.status === 'loading'}
        data-testid="run-dry-run"
      >
        {trial ? 'Dry run with a trial dump' : 'Dry run'}
      </button>
      {result?.status === 'loading' ? (
        <p className="muted" role="status">
          Dry run in progress: <Elapsed />
        </p>
      ) : null}
      {result?.status === 'error' ? <ErrorBox error={result.error} /> : null}
      {result?.status === 'ready' ? (
        <div data-testid="dry-run-result">
          <ul className="measured">
            <li data-testid="dry-run-store">
              Store ({result.data.measures.calibration.store.kind} {result.data.measures.calibration.store.where}): write{' '}
              {rate(result.data.measures.calibration.store.writeBytesPerS)}, read{' '}
              {rate(result.data.measures.calibration.store.readBytesPerS)}
              {result.data.measures.calibration.store.reason ? ` — ${result.data.measures.calibration.store.reason}` : ''}
            </li>
            <li>
              Disk flush {rate(result.data.measures.calibration.flush.bytesPerS)}; sha256{' '}
              {rate(result.data.measures.calibration.hashBytesPerS)}
            </li>
            {result.data.measures.trials.map((t) => (
              <li key={t.selector}>
                {t.selector}: {formatBytes(t.preDumpBytes)} pre-dumped in {formatDuration(t.preDumpMs)}
                {t.dirtyBytesPerS !== null ? `, dirties ${rate(t.dirtyBytesPerS)}` : ''}
                {t.trialDump ? `, trial freeze ${formatDuration(t.trialDump.freezeMs)}` : ''}
              </li>
            ))}
            {result.data.measures.notes.map((n) => (
              <li key={n} className="blocked">
                {n}
              </li>
            ))}
            <li className="muted">Written and removed again: {result.data.measures.removed.join(', ') || 'nothing'}.</li>
          </ul>
          <EstimateView estimate={result.data.estimate} before={result.data.estimateBefore} />
        </div>
      ) : null}
    </div>
  );
}
