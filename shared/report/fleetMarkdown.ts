// Why: the fleet report as Markdown, for the change ticket of a rollout: the totals, one row per
// host (worst first), each host's workloads, and every file that was not a report. Host text is
// escaped as in the single report (renderMarkdown.ts), so no host can break a table.
import type { FleetReport } from './fleet';
import { fleetHostLabel, fleetSummaryLine } from './fleet';
import { FLEET_STATUS_WORDS, kernelsText, measuredText, promisedText, workloadFate, workloadsText } from './fleetText';
import { cell } from './renderMarkdown';

export function renderFleetMarkdown(f: FleetReport): string {
  const out: string[] = [];
  out.push('# Fleet kernel upgrade report', '', `**${cell(fleetSummaryLine(f))}**`, '');
  if (f.totals.length) {
    out.push('## Outcomes', '', '| outcome | hosts | meaning |', '|---|---|---|');
    for (const t of f.totals) out.push(`| ${t.status} | ${t.hosts} | ${cell(FLEET_STATUS_WORDS[t.status])} |`);
    out.push('');
  }
  out.push(
    '## Hosts',
    '',
    '| host | kernel before → after | blackout promised | blackout measured | workloads | outcome |',
    '|---|---|---|---|---|---|',
  );
  for (const h of f.hosts)
    out.push(
      `| ${cell(fleetHostLabel(h))} | ${cell(kernelsText(h))} | ${cell(promisedText(h))} | ${cell(measuredText(h))} | ${workloadsText(h)} | **${h.status}** |`,
    );
  const detailed = f.hosts.filter((h) => h.workloads.total > 0 || h.firstError);
  if (detailed.length) out.push('', '## Per host');
  for (const h of detailed) {
    out.push('', `### ${cell(fleetHostLabel(h))}: ${h.status}`, '', `Upgrade ${cell(h.upgradeId)}, from ${cell(h.source)}.`, '');
    for (const w of h.workloads.list)
      out.push(`- ${cell(w.selector)}: ${workloadFate(w)}${w.handedBackTo ? ` (systemd: ${cell(w.handedBackTo)})` : ''}`);
    if (h.firstError) out.push(`- first error: ${cell(h.firstError.code)}: ${cell(h.firstError.message)}`);
  }
  if (f.errors.length) {
    out.push('', '## Files that are not reports', '');
    for (const e of f.errors) out.push(`- ${cell(e.source)}: ${cell(e.message)}`);
  }
  out.push('', `_Fleet report generated ${cell(f.generatedAt)} by Seamless (fleet report version ${f.schemaVersion})._`, '');
  return out.join('\n');
}
