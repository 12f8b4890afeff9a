// Why: before anything is touched, the admin picks the new kernel and the image store for the
// selected workloads and sees every reason the upgrade could fail, most serious first. What is
// chosen lives in the store's draft; the host builds the plan from it (plan.build, the same as
// `seamless plan`) and preflights exactly that plan.
import { useApp } from '../../store/context';
import { draftOf } from '../../store/store';
import { ErrorBox } from '../../ui/ErrorBox';
import { download } from '../../ui/download';
import { formatBytes } from '../../../shared/format';
import type { ErrorInfo } from '../../../shared/errors';
import type { Plan } from '../../../shared/plan/plan';
import { useEffect, useRef, useState } from 'react';
import { acknowledgementOf, isAcknowledged } from '../../../shared/domain/findings';
import { EstimateView } from './EstimateView';
import { cmdlineDiff } from './cmdlineDiff';
import { DryRunPanel } from './DryRunPanel';

/** The plan as the JSON file `seamless plan` writes (the CLI and the app read each other's). */
function savePlan(plan: Plan | null) {
  if (!plan) return;
  download(`seamless-plan-${plan.host}.json`, 'application/json', `${JSON.stringify(plan, null, 2)}\n`);
}

export function PreflightPanel({ hostId }: { hostId: string }) {
  const facts = useApp((s) => s.facts[hostId]);
  const draft = useApp((s) => draftOf(s, hostId));
  const check = useApp((s) => s.planning.checks[hostId]);
  const setKernel = useApp((s) => s.setDraftKernel);
  const setStore = useApp((s) => s.setDraftStore);
  const checkPlan = useApp((s) => s.checkPlan);
  const openPlan = useApp((s) => s.openPlan);
  const setOption = useApp((s) => s.setDraftOption);
  const toggleAck = useApp((s) => s.toggleAcknowledge);
  const [openError, setOpenError] = useState<ErrorInfo | null>(null);
  const command = useApp((s) => s.command);
  const pickFile = useApp((s) => s.pickFile);
  const seenCommand = useRef(command?.seq ?? 0);
  useEffect(() => {
    // File → Open Plan… in the desktop app's menu: a native dialog, then the same path as the picker here.
    if (!command || command.seq === seenCommand.current) return;
    seenCommand.current = command.seq;
    if (command.name !== 'open-plan') return;
    void pickFile('plan').then((r) => {
      if (!r.ok) setOpenError(r.error);
      else if (r.text !== null) setOpenError(openPlan(hostId, r.text));
    });
  }, [command, pickFile, openPlan, hostId]);
  const kernels = facts?.status === 'ready' ? facts.data.bootKernels.filter((k) => !k.running) : [];
  // A check of an older draft is shown as such: what it says may no longer hold.
  const stale = check !== undefined && check.rev !== draft.rev;
  const result = check?.preflight;

  return (
    <section className="card" aria-label="Preflight">
      <h2>Plan and preflight</h2>
      <div className="form-row">
        <label>
          New kernel
          <input
            list={`kernels-${hostId}`}
            value={draft.kernel}
            onChange={(e) => setKernel(hostId, e.target.value)}
            data-testid="plan-kernel"
          />
          <datalist id={`kernels-${hostId}`}>
            {kernels.map((k) => (
              <option key={k.image} value={k.image}>
                {k.version}
              </option>
            ))}
          </datalist>
        </label>
        <label>
          Image store
          <input value={draft.store} onChange={(e) => setStore(hostId, e.target.value)} data-testid="plan-store" />
        </label>
        <button
          type="button"
          className="primary"
          onClick={() => void checkPlan(hostId)}
          disabled={draft.selectors.length === 0 || draft.kernel.trim() === ''}
          data-testid="run-preflight"
        >
          Run preflight ({draft.selectors.length} selected)
        </button>
      </div>
      <fieldset className="form-row options">
        <legend>Options</legend>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.options.preDump}
            onChange={(e) => setOption(hostId, 'preDump', e.target.checked)}
            data-testid="plan-option-predump"
          />
          Pre-dump while running (shorter freeze)
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={draft.options.keepImages}
            onChange={(e) => setOption(hostId, 'keepImages', e.target.checked)}
            data-testid="plan-option-keep-images"
          />
          Keep the images after a successful restore (they hold the workloads’ memory; seamless cleanup removes them)
        </label>
        <label>
          kexec
          <select
            value={draft.options.kexecMode}
            onChange={(e) => setOption(hostId, 'kexecMode', e.target.value === 'systemctl' ? 'systemctl' : 'direct')}
          >
            <option value="direct">direct (kexec -e: seconds)</option>
            <option value="systemctl">orderly (systemctl kexec: stops every service first)</option>
          </select>
        </label>
        <label>
          If the restore fails
          <select
            value={draft.options.onRestoreFailure}
            onChange={(e) => setOption(hostId, 'onRestoreFailure', e.target.value === 'kexec-back' ? 'kexec-back' : 'cold-start')}
          >
            <option value="cold-start">start the services cold on the new kernel (images kept)</option>
            <option value="kexec-back">kexec back to the old kernel and restore there</option>
          </select>
        </label>
        <label>
          Restore
          <select
            value={draft.options.restoreMode}
            onChange={(e) => setOption(hostId, 'restoreMode', e.target.value === 'lazy' ? 'lazy' : 'eager')}
            data-testid="plan-option-restore-mode"
          >
            <option value="eager">eager: every page back before the workload runs</option>
            <option value="lazy">lazy: runs at once, pages on demand (degraded until every page is back)</option>
          </select>
        </label>
        <label>
          If a workload’s dump fails
          <select
            value={draft.options.onDumpFailure}
            onChange={(e) => setOption(hostId, 'onDumpFailure', e.target.value === 'skip' ? 'skip' : 'abort')}
            data-testid="plan-option-dump-failure"
          >
            <option value="abort">stop the upgrade: everything keeps running on this kernel</option>
            <option value="skip">carry on without it: it does not survive the jump (a service starts cold)</option>
          </select>
        </label>
      </fieldset>
      <p className="plan-files">
        <label className="file-button">
          Open a plan file…
          <input
            type="file"
            accept="application/json,.json"
            data-testid="plan-open"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void file.text().then((text) => setOpenError(openPlan(hostId, text)));
            }}
          />
        </label>{' '}
        {check?.plan.status === 'ready' && !stale ? (
          <button type="button" onClick={() => savePlan(check.plan.status === 'ready' ? check.plan.data : null)} data-testid="plan-save">
            Save this plan…
          </button>
        ) : null}
      </p>
      {openError ? <ErrorBox error={openError} /> : null}
      {stale ? <p className="muted">The plan changed since this check; run preflight again.</p> : null}
      {check?.plan.status === 'loading' ? <p className="muted">Building the plan on the host…</p> : null}
      {check?.plan.status === 'error' ? <ErrorBox error={check.plan.error} /> : null}
      {result?.status === 'loading' ? <p className="muted">Checking…</p> : null}
      {result?.status === 'error' ? <ErrorBox error={result.error} /> : null}
      {result?.status === 'ready' ? (
        <div data-testid="preflight-result">
          <p className={result.data.canStart ? 'ok' : 'blocked'} data-testid="preflight-verdict">
            {result.data.canStart ? 'The plan can start.' : 'The plan cannot start.'} Images: about{' '}
            {formatBytes(result.data.estimatedImageBytes)}.
          </p>
          {result.data.bootCmdline ? (
            <p className="cmdline" data-testid="plan-cmdline">
              The new kernel boots with:{' '}
              {cmdlineDiff(result.data.bootCmdline.current, result.data.bootCmdline.next).map((p, i) =>
                p.change === 'same' ? (
                  <span key={i} className="mono">
                    {p.word}{' '}
                  </span>
                ) : p.change === 'added' ? (
                  <ins key={i} className="mono" title="added">
                    {p.word}{' '}
                  </ins>
                ) : (
                  <del key={i} className="mono" title="removed">
                    {p.word}{' '}
                  </del>
                ),
              )}
            </p>
          ) : null}
          <ul className="findings">
            {result.data.findings.map((f, i) => (
              <li key={`${f.id}-${f.workload ?? ''}-${i}`} className={`finding ${f.severity}`} data-testid={`finding-${f.id}`}>
                <strong>{f.severity.toUpperCase()}</strong> {f.message}
                {f.workload ? <span className="muted"> [{f.workload}]</span> : null}
                <div className="muted">Seen: {f.evidence}</div>
                <div>Fix: {f.fix}</div>
                {f.severity === 'block' ? (
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={isAcknowledged(f, draft.options.acknowledge)}
                      onChange={() => toggleAck(hostId, acknowledgementOf(f))}
                      data-testid={`acknowledge-${acknowledgementOf(f)}`}
                    />
                    I have read this and accept the risk: go ahead despite {f.id}
                    {f.workload ? ` for ${f.workload}` : ''} (then run preflight again)
                  </label>
                ) : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {check?.estimate.status === 'loading' ? <p className="muted">Estimating the downtime…</p> : null}
      {check?.estimate.status === 'error' ? <ErrorBox error={check.estimate.error} /> : null}
      {check?.estimate.status === 'ready' ? (
        <>
          <h3>Estimated downtime</h3>
          <EstimateView estimate={check.estimate.data} />
        </>
      ) : null}
      {check?.plan.status === 'ready' ? <DryRunPanel hostId={hostId} /> : null}
    </section>
  );
}
