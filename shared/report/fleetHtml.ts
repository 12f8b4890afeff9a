// Why: the fleet report as one self-contained HTML page, like the single report (renderHtml.ts):
// inline CSS, no script, no external asset, a CSP that fetches nothing, every piece of host
// text escaped. Worst hosts first, each status painted as the single report paints it.
import type { FleetReport, FleetStatus } from './fleet';
import { fleetHostLabel, fleetSummaryLine } from './fleet';
import { FLEET_STATUS_WORDS, kernelsText, measuredText, promisedText, workloadFate, workloadsText } from './fleetText';
import { escapeHtml as e, TONE } from './renderHtml';

const toneOf = (s: FleetStatus) => (s === 'running' ? 'warn' : TONE[s]);

const CSS = `
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#5b6470;--line:#d0d7de;--good:#1a7f37;--warn:#9a6700;--bad:#cf222e}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#8d96a0;--line:#30363d;--good:#3fb950;--warn:#d29922;--bad:#f85149}}
body{font:15px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg);max-width:1180px;margin:24px auto;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid var(--line)}h3{font-size:15px;margin:16px 0 4px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
.summary{font-weight:600;padding:8px 12px;border-left:6px solid}
.good{border-color:var(--good);color:var(--good)}.warn{border-color:var(--warn);color:var(--warn)}.bad{border-color:var(--bad);color:var(--bad)}
td.status{font-weight:600;border-color:var(--line)}ul{margin:4px 0}.muted,.legend{color:var(--muted);font-size:13px}code{font-size:13px}
`;

export function renderFleetHtml(f: FleetReport): string {
  const worst = f.hosts[0]?.status;
  const summaryTone = f.errors.length && (worst === undefined || worst === 'restored') ? 'warn' : worst ? toneOf(worst) : 'warn';
  const totals = f.totals
    .map(
      (t) =>
        `<tr><td class="status ${toneOf(t.status)}">${e(t.status)}</td><td>${t.hosts}</td><td>${e(FLEET_STATUS_WORDS[t.status])}</td></tr>`,
    )
    .join('');
  const rows = f.hosts
    .map(
      (h) =>
        `<tr><td>${e(fleetHostLabel(h))}</td><td>${e(kernelsText(h))}</td><td>${e(promisedText(h))}</td><td>${e(measuredText(h))}</td><td>${e(workloadsText(h))}</td><td class="status ${toneOf(h.status)}">${e(h.status)}</td></tr>`,
    )
    .join('');
  const details = f.hosts
    .filter((h) => h.workloads.total > 0 || h.firstError)
    .map((h) => {
      const items = h.workloads.list
        .map(
          (w) =>
            `<li><code>${e(w.selector)}</code>: ${w.restored === false ? `<strong>${e(workloadFate(w))}</strong>` : e(workloadFate(w))}${w.handedBackTo ? ` (systemd: ${e(w.handedBackTo)})` : ''}</li>`,
        )
        .join('');
      const err = h.firstError ? `<li>first error: <code>${e(h.firstError.code)}</code>: ${e(h.firstError.message)}</li>` : '';
      return `<h3>${e(fleetHostLabel(h))}: <span class="${toneOf(h.status)}">${e(h.status)}</span></h3><p class="muted">Upgrade ${e(h.upgradeId)}, from ${e(h.source)}.</p><ul>${items}${err}</ul>`;
    })
    .join('\n');
  const errors = f.errors.map((x) => `<li><code>${e(x.source)}</code>: ${e(x.message)}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Fleet kernel upgrade report</title><style>${CSS}</style></head>
<body>
<h1>Fleet kernel upgrade report</h1>
<p class="summary ${summaryTone}">${e(fleetSummaryLine(f))}</p>
${totals ? `<h2>Outcomes</h2><table><thead><tr><th>outcome</th><th>hosts</th><th>meaning</th></tr></thead><tbody>${totals}</tbody></table>` : ''}
<h2>Hosts</h2>
<table><thead><tr><th>host</th><th>kernel before → after</th><th>blackout promised</th><th>blackout measured</th><th>workloads</th><th>outcome</th></tr></thead><tbody>${rows}</tbody></table>
${details ? `<h2>Per host</h2>\n${details}` : ''}
${errors ? `<h2>Files that are not reports</h2><ul>${errors}</ul>` : ''}
<p class="legend">Fleet report generated ${e(f.generatedAt)} by Seamless (fleet report version ${f.schemaVersion}).</p>
</body></html>
`;
}
