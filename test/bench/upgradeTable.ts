// The side-by-side benchmark's table (test/bench/upgrade.ts): per workload and method the
// medians of blackout, its non-boot part, the CRIU methods' own part, time until warm, state
// kept, disk bytes, and the ratios to Seamless. Pure: also reprints a saved run (`--table FILE`).
import { METHODS, type Method, type Run } from './methods.js';

export const s = (ms: number | null | undefined) => (typeof ms === 'number' && Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '-');
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
const ratio = (x: number, base: number | undefined) => (base && Number.isFinite(x) ? `${(x / base).toFixed(1)}×` : '-');
export const median = (xs: number[]) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)]! : NaN;
};

/** A CRIU method's own part (as issue 17 counts it): its blackout less kexec → restore hook. */
export const oursMs = (r: Run): number =>
  r.phases && typeof r.phases.agentBlackoutMs === 'number' && typeof r.phases.kexecToHookMs === 'number'
    ? r.phases.agentBlackoutMs - r.phases.kexecToHookMs
    : NaN;

export function table(runs: Run[]): string {
  const head = [
    'workload',
    'method',
    'runs',
    'blackout',
    'not boot',
    'ours',
    'until warm',
    'degraded',
    'state kept',
    'disk: state',
    'disk: boot',
    '÷ seamless (blackout / not boot)',
  ];
  const rows: string[][] = [];
  for (const w of [...new Set(runs.map((r) => r.workload))]) {
    const of = (m: Method) => runs.filter((r) => r.workload === w && r.method === m);
    const base = of('seamless');
    const bBlack = base.length ? median(base.map((r) => r.blackoutMs)) : undefined;
    const bNon = base.length ? median(base.map((r) => r.nonBootMs)) : undefined;
    for (const m of METHODS) {
      const rs = of(m);
      if (!rs.length) continue;
      const black = median(rs.map((r) => r.blackoutMs));
      const non = median(rs.map((r) => r.nonBootMs));
      const kept = rs.map((r) =>
        r.stateKept
          ? 'kept'
          : r.workload === 'redis'
            ? `${r.after.count}/${r.before.count} keys`
            : `lost (counter ${r.before.count} → ${r.after.count})`,
      );
      rows.push([
        w,
        m,
        String(rs.length),
        s(black),
        s(non),
        s(median(rs.map((r) => oursMs(r)))),
        s(median(rs.map((r) => r.untilWarmMs))),
        // restoreMode lazy: running, until every page was back (and the page faults waited for).
        rs.some((r) => typeof r.phases?.degradedMs === 'number')
          ? `${s(median(rs.map((r) => r.phases?.degradedMs ?? 0)))} (${median(rs.map((r) => r.phases?.lazyFaults ?? 0))} faults)`
          : '-',
        [...new Set(kept)].join(', '),
        mib(median(rs.map((r) => r.stateBytesOnDisk))),
        mib(median(rs.map((r) => r.bootWrittenBytes))),
        m === 'seamless' ? '1×' : `${ratio(black, bBlack)} / ${ratio(non, bNon)}`,
      ]);
    }
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [line(head), line(widths.map((n) => '-'.repeat(n))), ...rows.map(line)].join('\n');
}
