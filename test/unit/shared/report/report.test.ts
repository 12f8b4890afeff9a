// The report model from a recorded real upgrade, and its renderings: the measurements come from
// the journal exactly, a promise is set beside them, and host text can neither break the
// Markdown nor inject into the HTML, which fetches nothing.
import { describe, expect, it } from 'vitest';
import { buildReport, historyEntryOf, measuredPhases } from '../../../../shared/report/buildReport';
import { reportSchema } from '../../../../shared/report/model';
import { renderHtml } from '../../../../shared/report/renderHtml';
import { renderMarkdown } from '../../../../shared/report/renderMarkdown';
import { estimate } from '../../../../shared/estimate/estimate';
import { samplePlan } from '../../../helpers/samplePlan';
import { recordedJournal, reportInputs, RECORDED_ID } from '../../../helpers/recordedUpgrade';
import { sampleFacts } from '../../../helpers/sampleFacts';
import { sampleInventory } from '../../../helpers/sampleInventory';

const plan = samplePlan();

describe('report model', () => {
  it('measures every phase from the recorded journal', () => {
    const m = measuredPhases(recordedJournal());
    // boot done: 59,014 ms from kexec to the hook, the hook at 45.31 s of uptime → 13,704 ms of jump.
    expect(m['kexec-jump'].ms).toBe(13_704);
    expect(m['image-check'].ms).toBe(12_953);
    // the restore phase (15,957 ms) less its image check
    expect(m.restore.ms).toBe(15_957 - 12_953);
    expect(m['freeze-dump']).toMatchObject({ ok: true });
    expect(m['freeze-dump'].ms).toBeGreaterThan(0);
    // this journal predates initStartS: the kernel's share is not invented
    expect(m['kernel-boot'].ms).toBeNull();
    expect(m['hand-back']).toEqual({ ms: null, ok: null, error: null });
  });

  it('builds a valid report: outcome, kernels, blackout, workloads; no promise → none shown', () => {
    const r = buildReport(reportInputs());
    expect(reportSchema.safeParse(r).success).toBe(true);
    expect(r).toMatchObject({
      upgradeId: RECORDED_ID,
      outcome: 'restored',
      kernels: { before: '6.1.0-47-amd64', after: '6.1.0-50-amd64' },
    });
    expect(r.blackout.measuredMs).toBeGreaterThan(60_000);
    expect(r.blackout.estimate).toBeNull();
    expect(r.workloads.map((w) => w.selector)).toEqual(['pid:852']);
    expect(r.workloads[0]!.after.restored).toBe(true);
    expect(r.evidence).toEqual([]);
  });

  it('says how much dirty page cache the freeze began with, when the journal recorded it', () => {
    const plain = buildReport(reportInputs());
    expect(plain.blackout.dirtyBytesAtFreeze ?? null).toBeNull(); // this journal predates the figure
    expect(renderMarkdown(plain)).not.toContain('- Freeze:');
    const records = reportInputs().records.map((r) =>
      r.phase === 'checkpoint' && r.state === 'done' ? { ...r, data: { ...r.data, dirtyBytesAtFreeze: 3 * 1024 * 1024 } } : r,
    );
    const r = buildReport(reportInputs({ records }));
    expect(reportSchema.safeParse(r).success).toBe(true);
    expect(r.blackout.dirtyBytesAtFreeze).toBe(3 * 1024 * 1024);
    expect(renderMarkdown(r)).toMatch(/^- Freeze: 3(\.0)? MiB of dirty page cache when the freeze began/m);
    expect(renderHtml(r)).toMatch(/<th>Freeze<\/th><td>3(\.0)? MiB of dirty page cache/);
  });

  /** The lazy-fill end record of a report's journal, with `data` as given. */
  const lazyFillDone = (data: { filled: string[]; failed: string[]; degradedMs: number; faults: number; eagerBytes?: number }) => ({
    seq: 9_000,
    at: '2026-12-03T00:00:00.000Z',
    atMs: Date.parse('2026-12-03T00:00:00.000Z'),
    kernel: '6.1.0-50-amd64',
    phase: 'lazy-fill' as const,
    state: 'done' as const,
    message: 'every page back',
    durationMs: 2100,
    data,
  });

  it('a lazy restore: the degraded window after the blackout, with its page faults and their rate', () => {
    const records = [...reportInputs().records, lazyFillDone({ filled: ['pid:852'], failed: [], degradedMs: 2000, faults: 500 })];
    const r = buildReport(reportInputs({ records }));
    expect(reportSchema.safeParse(r).success).toBe(true);
    expect(r.blackout.degraded).toEqual({ ms: 2000, faults: 500, eagerBytes: null });
    expect(r.phases.find((p) => p.phase === 'lazy-fill')?.measuredMs).toBe(2000);
    expect(renderMarkdown(r)).toMatch(
      /^- Degraded: running, degraded, for 2(\.0)? s after the blackout .* 500 page fault\(s\) waited for \(250\.0\/s\)/m,
    );
    expect(renderHtml(r)).toContain('<th>Degraded</th>');
    expect(renderMarkdown(buildReport(reportInputs()))).not.toContain('- Degraded:');
  });

  it('a lazy restore names what was restored before the workloads ran (what lazy restore cannot serve)', () => {
    const end = lazyFillDone({ filled: ['pid:852'], failed: [], degradedMs: 2000, faults: 500, eagerBytes: 8 * 1024 * 1024 });
    const r = buildReport(reportInputs({ records: [...reportInputs().records, end] }));
    expect(reportSchema.safeParse(r).success).toBe(true);
    expect(r.blackout.degraded?.eagerBytes).toBe(8 * 1024 * 1024);
    expect(renderMarkdown(r)).toMatch(
      /^- Degraded: .*; 8(\.0)? MiB restored before the workloads ran \(what lazy restore cannot serve: shared memory/m,
    );
    expect(renderHtml(r)).toMatch(/8(\.0)? MiB restored before the workloads ran/);
  });

  it('sets the promise made at the start beside what was measured', () => {
    const promised = estimate(
      plan,
      sampleFacts(),
      { ...sampleInventory(256), workloads: [{ ...sampleInventory(256).workloads[0]!, id: 'pid:852', rootPid: 852 }] },
      null,
      [],
    );
    const r = buildReport(reportInputs({ plan }, promised));
    expect(r.blackout.estimate).toEqual(promised.blackout);
    expect(r.phases.find((p) => p.phase === 'image-check')!.estimate).toEqual({
      lowMs: promised.phases.find((p) => p.phase === 'image-check')!.lowMs,
      midMs: promised.phases.find((p) => p.phase === 'image-check')!.midMs,
      highMs: promised.phases.find((p) => p.phase === 'image-check')!.highMs,
    });
    expect(r.estimateDefaults).toEqual(promised.defaults);
    expect(r.workloads[0]!.before.bytes).toBe(promised.workloads[0]!.bytes);
  });

  it('keeps a failure’s evidence, and learns history only from runs that got past the jump', () => {
    const records = recordedJournal();
    const failed = records.map((r) =>
      r.phase === 'restore' && r.state === 'done'
        ? {
            ...r,
            state: 'failed' as const,
            error: {
              code: 'CRIU_RESTORE_FAILED',
              message: 'criu restore failed',
              evidence: 'Error (criu/cr-restore.c:1234): <no such file>',
            },
          }
        : r,
    );
    const r = buildReport(reportInputs({ records: failed }));
    expect(r.evidence).toEqual([
      expect.objectContaining({
        phase: 'restore',
        state: 'failed',
        code: 'CRIU_RESTORE_FAILED',
        evidence: expect.stringContaining('cr-restore.c'),
      }),
    ]);
    expect(r.phases.find((p) => p.phase === 'restore')!.ok).toBe(false);
    const h = historyEntryOf(buildReport(reportInputs()))!;
    expect(h).toMatchObject({ upgradeId: RECORDED_ID, kexecJumpMs: 13_704, imageCheckMs: 12_953 });
    expect(historyEntryOf({ ...buildReport(reportInputs()), outcome: 'aborted' })).toBeNull();
  });
});

describe('report renderings', () => {
  const hostile = buildReport(reportInputs({ hostname: 'web|01 <script>alert(1)</script>', upgradeId: RECORDED_ID }));
  hostile.evidence.push({
    seq: 99,
    at: 'now',
    phase: 'restore',
    state: 'failed',
    message: 'a | b',
    code: 'X',
    evidence: '~~~\n</pre><img src=x onerror=alert(1)>',
  });

  it('Markdown: the tables hold, the evidence cannot close its fence', () => {
    const md = renderMarkdown(hostile);
    expect(md).toContain('# Kernel upgrade u-20261203t073615-f8e1 on web\\|01');
    expect(md).toContain('**Outcome:** restored');
    expect(md).toMatch(/^\| Image check \| not estimated \| 13\.0 s \| — \|$/m);
    expect(md).toContain('~~~~\n~~~\n</pre>');
  });

  it('HTML: self-contained, escaped, with both charts', () => {
    const html = renderHtml(hostile);
    expect(html).not.toMatch(/<script|<img|<[^>]*onerror/i);
    expect(html).toContain('web|01 &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'`);
    expect(html).not.toMatch(/(src|href)=["']?https?:/i);
    expect(html.match(/<svg /g)).toHaveLength(2);
    expect(html).toContain('class="outcome good"');
  });

  it('paints a cold start as bad, never good', () => {
    const html = renderHtml({ ...hostile, outcome: 'cold-started' });
    expect(html).toContain('class="outcome bad"');
  });
});
