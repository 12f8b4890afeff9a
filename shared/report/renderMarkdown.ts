// Why: the report as Markdown, for a ticket or a change log. Host text goes into tables with
// its pipes and line breaks escaped, and evidence into fenced blocks that it cannot close.
import { formatBytes, formatDuration } from '../format';
import type { Report } from './model';
import { degradedText, dirtyAtFreezeText, outcomeWords, PHASE_LABELS, rangeText, verdict, VERDICT_WORDS } from './reportText';

/** Host text in a table cell or a line: its pipes, backslashes and line breaks cannot break the table. */
export const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
const fence = (s: string) => {
  let f = '~~~';
  while (s.includes(f)) f += '~';
  return `${f}\n${s}\n${f}`;
};
const opt = (v: number | null, f: (n: number) => string) => (v === null ? '—' : f(v));

export function renderMarkdown(r: Report): string {
  const out: string[] = [];
  out.push(`# Kernel upgrade ${cell(r.upgradeId)} on ${cell(r.host.hostname ?? r.host.id)}`, '');
  out.push(`**Outcome:** ${outcomeWords(r.outcome)}`, '');
  out.push(`- Kernel before: ${cell(r.kernels.before ?? '—')}`);
  out.push(`- Kernel after: ${cell(r.kernels.after ?? '—')}`);
  if (r.startedAt) out.push(`- Started: ${cell(r.startedAt)}`);
  out.push(
    `- Blackout: promised ${rangeText(r.blackout.estimate)}, measured ${opt(r.blackout.measuredMs, formatDuration)} (${VERDICT_WORDS[verdict(r.blackout.estimate, r.blackout.measuredMs)]})`,
  );
  const dirty = dirtyAtFreezeText(r);
  if (dirty) out.push(`- Freeze: ${dirty}`);
  const degraded = degradedText(r);
  if (degraded) out.push(`- Degraded: ${cell(degraded)}`);
  out.push('', '## Phases: promised and measured', '', '| phase | promised | measured | |', '|---|---|---|---|');
  for (const p of r.phases) {
    const v = p.ok === false ? `failed: ${cell(p.error?.code ?? '')}` : VERDICT_WORDS[verdict(p.estimate, p.measuredMs)];
    out.push(`| ${PHASE_LABELS[p.phase]} | ${rangeText(p.estimate)} | ${opt(p.measuredMs, formatDuration)} | ${v} |`);
  }
  if (r.estimateDefaults.length)
    out.push('', `Inputs of the estimate that were defaults (not measured): ${r.estimateDefaults.map(cell).join(', ')}.`);
  out.push(
    '',
    '## Workloads',
    '',
    '| workload | PID | processes | memory before | dumped | memory after | restored | systemd |',
    '|---|---|---|---|---|---|---|---|',
  );
  for (const w of r.workloads) {
    out.push(
      `| ${cell(w.selector)} | ${w.before.rootPid ?? '—'} | ${w.before.processes ?? '—'} → ${w.after.processes ?? '—'} | ${opt(w.before.rssBytes, formatBytes)} | ${opt(w.after.bytesDumped, formatBytes)} | ${opt(w.after.rssBytes, formatBytes)} | ${w.after.restored === null ? '—' : w.after.restored ? 'yes' : 'NO'} | ${cell(w.after.handedBackTo ?? '—')} |`,
    );
  }
  if (r.findings.length) {
    out.push('', '## Preflight findings', '');
    for (const f of r.findings)
      out.push(`- **${f.severity}** ${cell(f.id)}${f.workload ? ` (${cell(f.workload)})` : ''}: ${cell(f.message)}`);
  }
  if (r.evidence.length) {
    out.push('', '## Errors and evidence', '');
    for (const e of r.evidence) {
      out.push(`### #${e.seq} ${cell(e.phase)} ${cell(e.state)}: ${cell(e.code)}`, '', cell(e.message), '');
      if (e.evidence) out.push(fence(e.evidence), '');
    }
  }
  if (r.plan) out.push('', '## Plan', '', fence(JSON.stringify(r.plan, null, 2)));
  out.push('', `_Report generated ${cell(r.generatedAt)} by Seamless (report version ${r.version})._`, '');
  return out.join('\n');
}
