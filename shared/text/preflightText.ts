// Why: preflight's answer as both CLIs print it (`seamless preflight`, `seamless-agent
// preflight` on the host): every finding with what was seen and the fix, the CRIU options, and
// the verdict in one sentence. Pure.
import type { PreflightResult } from '../domain/findings';
import { formatBytes } from '../format';

export function formatPreflight(r: PreflightResult): string {
  const mark = { block: 'BLOCK', warn: 'WARN ', info: 'info ' } as const;
  const lines = r.findings.map(
    (f) =>
      `${mark[f.severity]} ${f.id}${f.workload ? ` [${f.workload}]` : ''}\n      ${f.message}\n      seen: ${f.evidence.split('\n').join('\n            ')}\n      fix:  ${f.fix}`,
  );
  const opts = Object.entries(r.criuOptions).map(([w, o]) => `  ${w}: ${o.length ? o.join(' ') : '(none)'}`);
  const verdict = r.canStart
    ? 'The plan can start.'
    : `The plan cannot start: ${r.findings.filter((f) => f.severity === 'block').length} blocking finding(s).`;
  return [...lines, '', `images: about ${formatBytes(r.estimatedImageBytes)}`, 'CRIU options:', ...opts, '', verdict].join('\n');
}
