// Why: before pressing go the admin sees how long each phase will take and how long the
// workloads will be gone, as ranges, and why: each phase opens to the inputs it used and where
// each came from (measured, dry run, history, inventory, or a default that widened the range).
import type { Estimate } from '../../../shared/estimate/estimate';
import { formatBytes, formatDuration } from '../../../shared/format';
import { PHASE_LABELS } from '../../../shared/report/reportText';

const range = (r: { lowMs: number; midMs: number; highMs: number }) =>
  `${formatDuration(r.lowMs)} – ${formatDuration(r.highMs)} (≈ ${formatDuration(r.midMs)})`;

export function EstimateView({ estimate, before }: { estimate: Estimate; before?: Estimate }) {
  const max = Math.max(1, ...estimate.phases.map((p) => p.highMs), ...(before?.phases.map((p) => p.highMs) ?? []));
  const W = 100;
  const x = (ms: number) => (ms / max) * W;
  return (
    <div className="estimate" data-testid="estimate">
      <p className="estimate-headline">
        Blackout <strong data-testid="estimate-blackout">{range(estimate.blackout)}</strong>
        {before ? <span className="muted"> (before the dry run: {range(before.blackout)})</span> : null}; the host answers SSH after{' '}
        {range(estimate.untilSsh)}. Memory to carry: {formatBytes(estimate.bytes)}.
      </p>
      <table className="estimate-table">
        <thead>
          <tr>
            <th scope="col">phase</th>
            <th scope="col">range</th>
            <th scope="col" className="bar-col">
              <span className="visually-hidden">timeline</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {estimate.phases.map((p) => (
            <tr key={p.phase} className={p.inBlackout ? 'in-blackout' : undefined} data-testid={`estimate-${p.phase}`}>
              <td>
                <details>
                  <summary>
                    {PHASE_LABELS[p.phase]}
                    {p.inBlackout ? <span className="muted"> · in the blackout</span> : null}
                  </summary>
                  <p className="muted">{p.how}</p>
                  <ul className="inputs">
                    {p.inputs.map((i) => (
                      <li key={i.name}>
                        {i.name}: {i.value}
                        {i.unit ? ` ${i.unit}` : ''} <span className={`source ${i.source}`}>{i.source}</span>
                      </li>
                    ))}
                  </ul>
                </details>
              </td>
              <td>{range(p)}</td>
              <td className="bar-col">
                <svg viewBox={`0 0 ${W} 10`} preserveAspectRatio="none" aria-hidden="true" className="range-bar">
                  <rect className="range" x={x(p.lowMs)} y={2} width={Math.max(0.5, x(p.highMs) - x(p.lowMs))} height={6} />
                  <rect className="mid" x={x(p.midMs)} y={0} width={0.6} height={10} />
                </svg>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {estimate.defaults.length ? (
        <p className="muted" data-testid="estimate-defaults">
          Not measured yet (defaults that widen the range): {estimate.defaults.join(', ')}. A dry run measures most of them.
        </p>
      ) : null}
    </div>
  );
}
