// Why: the report as one self-contained HTML page (to archive, mail, or print to PDF): inline
// CSS and SVG, no script, no external asset, a CSP that forbids fetching anything, and every
// piece of host text escaped. The charts: each phase's promised range against its measurement,
// and each workload's memory before and after.
import { formatBytes, formatDuration } from '../format';
import type { Report } from './model';
import { degradedText, dirtyAtFreezeText, outcomeWords, PHASE_LABELS, rangeText, verdict, VERDICT_WORDS } from './reportText';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
const e = escapeHtml;
const opt = (v: number | null, f: (n: number) => string) => (v === null ? '—' : f(v));

/** How each outcome is painted: a cold start is never good. */
export const TONE: Record<NonNullable<Report['outcome']>, 'good' | 'warn' | 'bad'> = {
  restored: 'good',
  'restored-unmanaged': 'warn',
  'rolled-back': 'warn',
  'cold-started': 'bad',
  lost: 'bad',
  aborted: 'warn',
  failed: 'bad',
};

function timeline(r: Report): string {
  const rows = [
    ...r.phases.map((p) => ({ label: PHASE_LABELS[p.phase], est: p.estimate, ms: p.measuredMs, failed: p.ok === false })),
    { label: 'Blackout', est: r.blackout.estimate, ms: r.blackout.measuredMs, failed: false },
  ];
  const max = Math.max(1, ...rows.flatMap((x) => [x.est?.highMs ?? 0, x.ms ?? 0]));
  const W = 520;
  const L = 190;
  const H = 26;
  const x = (ms: number) => L + (ms / max) * W;
  const body = rows
    .map((row, i) => {
      const y = 10 + i * H;
      const parts = [`<text x="${L - 8}" y="${y + 14}" text-anchor="end">${e(row.label)}</text>`];
      if (row.est) {
        parts.push(
          `<rect class="est" x="${x(row.est.lowMs).toFixed(1)}" y="${y + 2}" width="${Math.max(2, x(row.est.highMs) - x(row.est.lowMs)).toFixed(1)}" height="8"><title>promised ${e(rangeText(row.est))}</title></rect>`,
        );
        parts.push(`<rect class="mid" x="${x(row.est.midMs).toFixed(1)}" y="${y}" width="2" height="12"/>`);
      }
      if (row.ms !== null)
        parts.push(
          `<rect class="${row.failed ? 'failed' : 'act'}" x="${L}" y="${y + 12}" width="${Math.max(2, x(row.ms) - L).toFixed(1)}" height="8"><title>measured ${e(formatDuration(row.ms))}</title></rect>`,
        );
      return parts.join('');
    })
    .join('\n');
  const h = 20 + rows.length * H;
  return `<svg role="img" aria-label="Phases: promised range and measured time" viewBox="0 0 ${L + W + 20} ${h + 20}" width="100%">
<g class="axis"><line x1="${L}" y1="${h}" x2="${L + W}" y2="${h}"/><text x="${L}" y="${h + 16}">0</text><text x="${L + W}" y="${h + 16}" text-anchor="end">${e(formatDuration(max))}</text></g>
${body}
</svg>
<p class="legend"><span class="k est"></span> promised range (tick: midpoint) <span class="k act"></span> measured <span class="k failed"></span> failed</p>`;
}

function memory(r: Report): string {
  const rows = r.workloads.map((w) => ({
    label: w.selector,
    before: w.before.rssBytes,
    after: w.after.rssBytes,
    dumped: w.after.bytesDumped,
  }));
  if (rows.length === 0) return '<p>No workloads.</p>';
  const max = Math.max(1, ...rows.flatMap((x) => [x.before ?? 0, x.after ?? 0, x.dumped ?? 0]));
  const W = 520;
  const L = 190;
  const H = 34;
  const x = (b: number) => (b / max) * W;
  const bar = (cls: string, y: number, v: number | null, what: string) =>
    v === null
      ? ''
      : `<rect class="${cls}" x="${L}" y="${y}" width="${Math.max(2, x(v)).toFixed(1)}" height="8"><title>${what} ${e(formatBytes(v))}</title></rect>`;
  const body = rows
    .map((row, i) => {
      const y = 10 + i * H;
      return `<text x="${L - 8}" y="${y + 14}" text-anchor="end">${e(row.label)}</text>${bar('before', y, row.before, 'memory before')}${bar('dumped', y + 10, row.dumped, 'dumped')}${bar('after', y + 20, row.after, 'memory after')}`;
    })
    .join('\n');
  return `<svg role="img" aria-label="Memory per workload, before and after" viewBox="0 0 ${L + W + 20} ${20 + rows.length * H}" width="100%">${body}</svg>
<p class="legend"><span class="k before"></span> resident before <span class="k dumped"></span> dumped <span class="k after"></span> resident after (scale: ${e(formatBytes(max))})</p>`;
}

const CSS = `
:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#5b6470;--line:#d0d7de;--est:#9ec5fe;--mid:#1f4e99;--act:#1f6feb;--good:#1a7f37;--warn:#9a6700;--bad:#cf222e;--before:#8c959f;--dumped:#bf8700;--after:#1f6feb}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#8d96a0;--line:#30363d;--est:#1f4e99;--mid:#9ec5fe;--act:#58a6ff;--good:#3fb950;--warn:#d29922;--bad:#f85149;--before:#6e7681;--dumped:#d29922;--after:#58a6ff}}
body{font:15px/1.45 system-ui,sans-serif;color:var(--fg);background:var(--bg);max-width:980px;margin:24px auto;padding:0 16px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid var(--line)}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid var(--line);vertical-align:top}
.outcome{font-weight:600;padding:8px 12px;border-left:6px solid}.good{border-color:var(--good);color:var(--good)}.warn{border-color:var(--warn);color:var(--warn)}.bad{border-color:var(--bad);color:var(--bad)}
svg text{fill:var(--fg);font-size:12px}.axis line{stroke:var(--line)}.axis text{fill:var(--muted)}
rect.est,.k.est{fill:var(--est);background:var(--est)}rect.mid{fill:var(--mid)}rect.act,.k.act{fill:var(--act);background:var(--act)}rect.failed,.k.failed{fill:var(--bad);background:var(--bad)}
rect.before,.k.before{fill:var(--before);background:var(--before)}rect.dumped,.k.dumped{fill:var(--dumped);background:var(--dumped)}rect.after,.k.after{fill:var(--after);background:var(--after)}
.legend{color:var(--muted);font-size:13px}.k{display:inline-block;width:14px;height:8px;margin:0 4px 0 12px}
pre{white-space:pre-wrap;background:rgba(127,127,127,.12);padding:8px;font-size:12px}.longer{color:var(--bad);font-weight:600}
`;

export function renderHtml(r: Report): string {
  const title = `Kernel upgrade ${r.upgradeId} on ${r.host.hostname ?? r.host.id}`;
  const tone = r.outcome ? TONE[r.outcome] : 'warn';
  const phaseRows = r.phases
    .map((p) => {
      const v = p.ok === false ? 'longer' : verdict(p.estimate, p.measuredMs);
      const words = p.ok === false ? `failed: ${p.error?.code ?? ''}` : VERDICT_WORDS[verdict(p.estimate, p.measuredMs)];
      return `<tr><td>${e(PHASE_LABELS[p.phase])}</td><td>${e(rangeText(p.estimate))}</td><td>${e(opt(p.measuredMs, formatDuration))}</td><td class="${v}">${e(words)}</td></tr>`;
    })
    .join('');
  const workloadRows = r.workloads
    .map(
      (w) =>
        `<tr><td>${e(w.selector)}</td><td>${w.before.rootPid ?? '—'}</td><td>${w.before.processes ?? '—'} → ${w.after.processes ?? '—'}</td><td>${e(opt(w.before.rssBytes, formatBytes))}</td><td>${e(opt(w.after.bytesDumped, formatBytes))}</td><td>${e(opt(w.after.rssBytes, formatBytes))}</td><td>${w.after.restored === null ? '—' : w.after.restored ? 'yes' : '<strong>no</strong>'}</td><td>${e(w.after.handedBackTo ?? '—')}</td></tr>`,
    )
    .join('');
  const findings = r.findings
    .map((f) => `<li><strong>${e(f.severity)}</strong> ${e(f.id)}${f.workload ? ` (${e(f.workload)})` : ''}: ${e(f.message)}</li>`)
    .join('');
  const evidence = r.evidence
    .map(
      (x) =>
        `<h3>#${x.seq} ${e(x.phase)} ${e(x.state)}: ${e(x.code)}</h3><p>${e(x.message)}</p>${x.evidence ? `<pre>${e(x.evidence)}</pre>` : ''}`,
    )
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title><style>${CSS}</style></head>
<body>
<h1>${e(title)}</h1>
<p class="outcome ${tone}">${e(outcomeWords(r.outcome))}</p>
<table><tbody>
<tr><th>Kernel before</th><td>${e(r.kernels.before ?? '—')}</td></tr>
<tr><th>Kernel after</th><td>${e(r.kernels.after ?? '—')}</td></tr>
<tr><th>Started</th><td>${e(r.startedAt ?? '—')}</td></tr>
<tr><th>Blackout</th><td>promised ${e(rangeText(r.blackout.estimate))}; measured ${e(opt(r.blackout.measuredMs, formatDuration))} (${e(VERDICT_WORDS[verdict(r.blackout.estimate, r.blackout.measuredMs)])})</td></tr>
${dirtyAtFreezeText(r) ? `<tr><th>Freeze</th><td>${e(dirtyAtFreezeText(r) ?? '')}</td></tr>` : ''}
${degradedText(r) ? `<tr><th>Degraded</th><td>${e(degradedText(r) ?? '')}</td></tr>` : ''}
<tr><th>Until SSH answers</th><td>promised ${e(rangeText(r.untilSsh.estimate))}</td></tr>
</tbody></table>
<h2>Phases: promised and measured</h2>
${timeline(r)}
<table><thead><tr><th>phase</th><th>promised</th><th>measured</th><th></th></tr></thead><tbody>${phaseRows}</tbody></table>
${r.estimateDefaults.length ? `<p class="legend">Inputs of the estimate that were defaults (not measured): ${r.estimateDefaults.map(e).join(', ')}.</p>` : ''}
<h2>Workloads</h2>
${memory(r)}
<table><thead><tr><th>workload</th><th>PID</th><th>processes</th><th>memory before</th><th>dumped</th><th>memory after</th><th>restored</th><th>systemd</th></tr></thead><tbody>${workloadRows}</tbody></table>
${findings ? `<h2>Preflight findings</h2><ul>${findings}</ul>` : ''}
${evidence ? `<h2>Errors and evidence</h2>${evidence}` : ''}
${r.plan ? `<h2>Plan</h2><pre>${e(JSON.stringify(r.plan, null, 2))}</pre>` : ''}
<p class="legend">Report generated ${e(r.generatedAt)} by Seamless (report version ${r.version}).</p>
</body></html>
`;
}
