// The fleet report from reports built out of a recorded real upgrade, varied to how hosts of a
// rollout end (restored, rolled back, failed), plus a file that is not a report: the worst host
// comes first, the totals count each outcome, the bad file is named, and neither rendering can
// be broken or injected into by host text.
import { describe, expect, it } from 'vitest';
import { buildFleetReport, fleetReportSchema, fleetSummaryLine, parseFleetEntry, type FleetEntry } from '../../../../shared/report/fleet';
import { renderFleetHtml } from '../../../../shared/report/fleetHtml';
import { renderFleetMarkdown } from '../../../../shared/report/fleetMarkdown';
import { measuredText } from '../../../../shared/report/fleetText';
import type { Report } from '../../../../shared/report/model';
import { fleetHostReport } from '../../../helpers/fleetReports';

const AT = '2026-12-04T10:00:00.000Z';

const reportOf = fleetHostReport;

/** Each as a fetched file's text, through the same parser the folder reader uses. */
const entries = (): FleetEntry[] => [
  parseFleetEntry('web1.json', 'web1', JSON.stringify(reportOf('web1', 'restored'))),
  parseFleetEntry('db1/report.json', 'db1', JSON.stringify(reportOf('db1', 'rolled-back'))),
  parseFleetEntry('cache1/report.json', 'cache1', JSON.stringify(reportOf('cache1.internal', 'failed'))),
  parseFleetEntry('plan.json', 'plan', JSON.stringify({ version: 1, host: 'web1', workloads: [] })),
];

describe('fleet report: reading a fetched file', () => {
  it('a report validates; anything else says what it is instead', () => {
    const ok = parseFleetEntry('a.json', 'a', JSON.stringify(reportOf('a', 'restored')));
    expect('report' in ok && ok.report.outcome).toBe('restored');
    expect(parseFleetEntry('b.json', 'b', '{"version": 1,')).toEqual({
      source: 'b.json',
      name: 'b',
      error: expect.stringMatching(/^not JSON \(/),
    });
    expect(parseFleetEntry('c.json', 'c', JSON.stringify({ ...reportOf('c', 'restored'), version: 2 }))).toEqual({
      source: 'c.json',
      name: 'c',
      error: 'a report of version 2; this Seamless reads version 1',
    });
    const notReport = parseFleetEntry('d.json', 'd', '{"version":1,"hello":"world"}');
    expect('error' in notReport && notReport.error).toMatch(/^not a Seamless report: generatedAt: .*; and \d+ more$/);
  });
});

describe('fleet report: the model', () => {
  const fleet = buildFleetReport(entries(), AT);

  it('validates against its versioned schema', () => {
    expect(fleetReportSchema.safeParse(fleet).success).toBe(true);
    expect(fleet.schemaVersion).toBe(1);
    expect(fleet.generatedAt).toBe(AT);
  });

  it('lists the hosts worst first, and counts them per outcome, worst first', () => {
    expect(fleet.hosts.map((h) => [h.name, h.status])).toEqual([
      ['cache1', 'failed'],
      ['db1', 'rolled-back'],
      ['web1', 'restored'],
    ]);
    expect(fleet.totals).toEqual([
      { status: 'failed', hosts: 1 },
      { status: 'rolled-back', hosts: 1 },
      { status: 'restored', hosts: 1 },
    ]);
    expect(fleetSummaryLine(fleet)).toBe('3 hosts: 1 failed, 1 rolled-back, 1 restored; 1 file not read');
  });

  it('per host: kernels, blackout measured (no promise was journaled: none shown), workloads kept, why it failed', () => {
    const [cache1, db1, web1] = fleet.hosts;
    expect(web1).toMatchObject({
      hostname: 'web1',
      source: 'web1.json',
      kernels: { before: '6.1.0-47-amd64', after: '6.1.0-50-amd64' },
      blackout: { estimate: null, measuredMs: 78_859, degraded: null },
      workloads: { kept: 1, total: 1, list: [{ selector: 'pid:852', restored: true, handedBackTo: null }] },
      firstError: null,
    });
    expect(db1!.kernels).toEqual({ before: '6.1.0-47-amd64', after: '6.1.0-47-amd64' });
    expect(cache1).toMatchObject({
      hostname: 'cache1.internal',
      source: 'cache1/report.json',
      workloads: { kept: 0, total: 1, list: [{ selector: 'pid:852', restored: false }] },
      firstError: { code: 'CRIU_RESTORE_FAILED', message: 'restore of pid:852 failed' },
    });
    expect(fleet.errors).toEqual([{ source: 'plan.json', message: expect.stringMatching(/^not a Seamless report: /) }]);
  });

  it('the blackout beside its promise, and a lazy restore’s degraded window after it', () => {
    const r = reportOf('lazy1', 'restored');
    const lazy: Report = {
      ...r,
      blackout: { ...r.blackout, estimate: { lowMs: 60_000, midMs: 70_000, highMs: 75_000 }, degraded: { ms: 2000, faults: 500 } },
    };
    const [h] = buildFleetReport([{ source: 'lazy1.json', name: 'lazy1', report: lazy }], AT).hosts;
    expect(h!.blackout.degraded).toEqual({ ms: 2000, faults: 500 });
    expect(measuredText(h!)).toBe('1 min 19 s (LONGER than promised); then degraded 2.0 s (500 page faults)');
  });

  it('a report fetched before its upgrade ended is `running`, ranked above the fallbacks', () => {
    const running: Report = { ...reportOf('late1', 'restored'), outcome: null };
    const f = buildFleetReport([...entries(), { source: 'late1.json', name: 'late1', report: running }], AT);
    expect(f.totals.map((t) => t.status)).toEqual(['failed', 'running', 'rolled-back', 'restored']);
  });
});

describe('fleet report: renderings', () => {
  const hostile = buildFleetReport(
    [
      ...entries(),
      parseFleetEntry(
        'evil|1.json',
        'evil|1 <script>alert(1)</script>',
        JSON.stringify(reportOf('<img src=x onerror=alert(1)>', 'cold-started')),
      ),
      { source: 'bad|name\n<b>.json', name: 'x', error: 'not JSON (Unexpected token <, "<html>" is not valid JSON)' },
    ],
    AT,
  );

  it('Markdown: totals, one row per host worst first, per-host workloads, the files that are not reports; tables hold', () => {
    const md = renderFleetMarkdown(buildFleetReport(entries(), AT));
    expect(md).toContain('# Fleet kernel upgrade report');
    expect(md).toContain('**3 hosts: 1 failed, 1 rolled-back, 1 restored; 1 file not read**');
    expect(md).toMatch(/^\| failed \| 1 \| failed: stopped where no fallback applied/m);
    const rows = md.split('\n').filter((l) => /^\| (web1|db1|cache1)/.test(l));
    expect(rows).toEqual([
      '| cache1 (cache1.internal) | 6.1.0-47-amd64 → 6.1.0-50-amd64 | not estimated | 1 min 19 s | 0 of 1 kept | **failed** |',
      '| db1 | 6.1.0-47-amd64 → 6.1.0-47-amd64 | not estimated | 1 min 19 s | 1 of 1 kept | **rolled-back** |',
      '| web1 | 6.1.0-47-amd64 → 6.1.0-50-amd64 | not estimated | 1 min 19 s | 1 of 1 kept | **restored** |',
    ]);
    expect(md).toContain('### cache1 (cache1.internal): failed');
    expect(md).toContain('- pid:852: NOT restored');
    expect(md).toContain('- first error: CRIU_RESTORE_FAILED: restore of pid:852 failed');
    expect(md).toMatch(/^## Files that are not reports\n\n- plan\.json: not a Seamless report: /m);
    expect(md).toContain('fleet report version 1');

    const evil = renderFleetMarkdown(hostile);
    // Every host row still has its 6 cells: the pipes in host text are escaped.
    for (const l of evil.split('\n').filter((x) => x.startsWith('| ') && x.includes(' kept |')))
      expect(l.split(/(?<!\\)\|/).length).toBe(8);
    expect(evil).toContain('evil\\|1 <script>');
    expect(evil).toContain('- bad\\|name <b>.json: not JSON');
  });

  it('HTML: self-contained, escaped, a CSP that fetches nothing, each outcome painted as the single report paints it', () => {
    const html = renderFleetHtml(hostile);
    expect(html).not.toMatch(/<script|<img|<b>|<[^>]*onerror/i);
    expect(html).toContain('evil|1 &lt;script&gt;alert(1)&lt;/script&gt; (&lt;img src=x onerror=alert(1)&gt;)');
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
    expect(html).toContain('<td class="status bad">failed</td>');
    expect(html).toContain('<td class="status bad">cold-started</td>');
    expect(html).toContain('<td class="status warn">rolled-back</td>');
    expect(html).toContain('<td class="status good">restored</td>');
    expect(html).toContain('<p class="summary bad">4 hosts: 1 failed, 1 cold-started, 1 rolled-back, 1 restored; 2 files not read</p>');
    expect(html).toContain('<h2>Files that are not reports</h2>');
    // Worst first in the host table too.
    expect(html.indexOf('>failed</td>')).toBeLessThan(html.indexOf('>restored</td>'));
  });

  it('HTML: an all-restored fleet is good, but not when a file could not be read', () => {
    const clean = buildFleetReport([entries()[0]!], AT);
    expect(renderFleetHtml(clean)).toContain('<p class="summary good">1 host: 1 restored</p>');
    const withBad = buildFleetReport([entries()[0]!, entries()[3]!], AT);
    expect(renderFleetHtml(withBad)).toContain('<p class="summary warn">1 host: 1 restored; 1 file not read</p>');
  });
});
