// Why: before anything is touched, the admin picks the new kernel and the image store for the
// selected workloads and sees every reason the upgrade could fail, most serious first.
import { useState } from 'react';
import { useApp } from '../../store/context';
import { planSchema, type Plan } from '../../../shared/plan/plan';
import { ErrorBox } from '../../ui/ErrorBox';
import { formatBytes } from '../../../shared/format';

export function PreflightPanel({ hostId, selected }: { hostId: string; selected: ReadonlySet<string> }) {
  const facts = useApp((s) => s.facts[hostId]);
  const result = useApp((s) => s.preflight[hostId]);
  const run = useApp((s) => s.runPreflight);
  const kernels = facts?.status === 'ready' ? facts.data.bootKernels.filter((k) => !k.running) : [];
  const pmem = facts?.status === 'ready' ? facts.data.pmem.devices : [];
  const [kernel, setKernel] = useState('');
  const [store, setStore] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const chosenKernel = kernel || kernels[0]?.image || '';
  const chosenStore = store || (pmem[0] ? `/dev/${pmem[0].name}` : '/var/lib/seamless/images');

  const submit = () => {
    const k = facts?.status === 'ready' ? facts.data.bootKernels.find((b) => b.image === chosenKernel) : undefined;
    const parsed = planSchema.safeParse({
      version: 1,
      host: hostId,
      createdAt: new Date().toISOString(),
      workloads: [...selected],
      kernel: { release: k?.version ?? null, image: chosenKernel, initrd: k?.initrd ?? null, cmdline: null },
      store: chosenStore.startsWith('/dev/pmem') ? { kind: 'pmem', device: chosenStore } : { kind: 'dir', path: chosenStore },
    });
    if (!parsed.success) {
      setProblem(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      return;
    }
    setProblem(null);
    void run(hostId, parsed.data satisfies Plan);
  };

  return (
    <section className="card" aria-label="Preflight">
      <h2>Plan and preflight</h2>
      <div className="form-row">
        <label>
          New kernel
          <input list={`kernels-${hostId}`} value={chosenKernel} onChange={(e) => setKernel(e.target.value)} data-testid="plan-kernel" />
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
          <input value={chosenStore} onChange={(e) => setStore(e.target.value)} data-testid="plan-store" />
        </label>
        <button type="button" className="primary" onClick={submit} disabled={selected.size === 0} data-testid="run-preflight">
          Run preflight ({selected.size} selected)
        </button>
      </div>
      {problem ? <p className="error">{problem}</p> : null}
      {result?.status === 'loading' ? <p className="muted">Checking…</p> : null}
      {result?.status === 'error' ? <ErrorBox error={result.error} /> : null}
      {result?.status === 'ready' ? (
        <div data-testid="preflight-result">
          <p className={result.data.canStart ? 'ok' : 'blocked'} data-testid="preflight-verdict">
            {result.data.canStart ? 'The plan can start.' : 'The plan cannot start.'} Images: about{' '}
            {formatBytes(result.data.estimatedImageBytes)}.
          </p>
          <ul className="findings">
            {result.data.findings.map((f, i) => (
              <li key={`${f.id}-${f.workload ?? ''}-${i}`} className={`finding ${f.severity}`} data-testid={`finding-${f.id}`}>
                <strong>{f.severity.toUpperCase()}</strong> {f.message}
                {f.workload ? <span className="muted"> [{f.workload}]</span> : null}
                <div className="muted">Seen: {f.evidence}</div>
                <div>Fix: {f.fix}</div>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
