// Benchmark: Seamless side by side with what an admin would do instead (test/bench/methods.ts:
// seamless, criu-disk, cold, reboot), on the lab, for a 256 MiB and a 1 GiB lab-memload service
// and redis with the lab's dataset (50,000 keys of 4 KiB), methods alternating per workload.
// Every run is judged by the guest probe (answered, warm) and the workload's own state; raw runs
// are saved as JSON in bench-results/ and the table is printed with the ratios to Seamless.
// Not part of `npm test`. Run: `npm run bench:upgrade` (everything, ~45 min on this machine) or
// e.g. `npm run bench:upgrade -- 256M redis --methods seamless,criu-disk --rounds 2`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labDown, labStatus, labUp } from '../lab/lab.js';
import { deployAgent } from '../lab/labAgent.js';
import { memloadService, redisService, type BenchWorkload } from './benchWorkloads.js';
import { installProbe } from './guestProbe.js';
import { METHODS, runOnce, type Method, type Run } from './methods.js';

import { RESULTS_DIR } from './results.js';

function args(argv: string[]): { workloads: BenchWorkload[]; methods: Method[]; rounds: number } {
  const methodsArg = argv.find((a, i) => argv[i - 1] === '--methods');
  const roundsArg = argv.find((a, i) => argv[i - 1] === '--rounds');
  const names = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const all: Record<string, () => BenchWorkload> = {
    '256M': () => memloadService('256M'),
    '1G': () => memloadService('1G'),
    redis: () => redisService(),
  };
  const unknown = names.filter((n) => !all[n]);
  if (unknown.length) throw new Error(`unknown workload(s) ${unknown.join(', ')}: choose from ${Object.keys(all).join(', ')}`);
  const methods = (methodsArg ? methodsArg.split(',') : [...METHODS]) as Method[];
  const bad = methods.filter((m) => !(METHODS as readonly string[]).includes(m));
  if (bad.length) throw new Error(`unknown method(s) ${bad.join(', ')}: choose from ${METHODS.join(', ')}`);
  return {
    workloads: (names.length ? names : Object.keys(all)).map((n) => all[n]!()),
    methods,
    rounds: Math.max(1, Number(roundsArg ?? 1)),
  };
}

const s = (ms: number | null | undefined) => (typeof ms === 'number' && Number.isFinite(ms) ? `${(ms / 1000).toFixed(1)} s` : '-');
const mib = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
const ratio = (x: number, base: number | undefined) => (base && Number.isFinite(x) ? `${(x / base).toFixed(1)}×` : '-');
const median = (xs: number[]) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return v.length ? v[Math.floor((v.length - 1) / 2)]! : NaN;
};

export function table(runs: Run[]): string {
  const head = [
    'workload',
    'method',
    'runs',
    'blackout',
    'not boot',
    'until warm',
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
        s(median(rs.map((r) => r.untilWarmMs))),
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

async function main(): Promise<void> {
  const { workloads, methods, rounds } = args(process.argv.slice(2));
  const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
  if ((await labStatus()).running) await labDown();
  const up = await labUp({ log: () => undefined });
  log(`lab up in ${up.totalSec.toFixed(0)} s; agent ${(await deployAgent()).slice(0, 12)}`);
  await installProbe();
  const runs: Run[] = [];
  const started = new Date().toISOString();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `upgrade-${started.replace(/[:.]/g, '-')}.json`);
  const save = () =>
    writeFileSync(
      file,
      `${JSON.stringify({ version: 1, benchmark: 'upgrade', started, lab: 'QEMU TCG, 2 vCPUs, 4 GiB', runs }, null, 2)}\n`,
    );
  try {
    for (const w of workloads) {
      for (let round = 0; round < rounds; round++)
        for (const m of methods) {
          const r = await runOnce(w, m, log);
          runs.push(r);
          save();
          log(
            `  ${m}: blackout ${s(r.blackoutMs)} (not boot ${s(r.nonBootMs)}), warm after ${s(r.untilWarmMs)}, state ${r.stateKept ? 'kept' : 'NOT kept'}${r.phases ? `; agent: checkpoint ${s(r.phases.checkpointMs)}, image check ${s(r.phases.imageCheckMs)} (hashing ${s(r.phases.imageHashMs)} beside CRIU), restore ${s(r.phases.restoreMs)}` : ''}`,
          );
        }
      await w.stop();
    }
  } finally {
    await labDown({ log: () => undefined });
  }
  console.log(`\n${table(runs)}\n`);
  const boots = runs.filter((r) => r.boot);
  if (boots.length) {
    const m = (k: keyof NonNullable<Run['boot']>) => s(median(boots.map((r) => r.boot![k])));
    console.log(
      `where the restore boot goes (median of ${boots.length}): jump (old kernel's end, purgatory, before the new kernel's clock) ${m('jumpMs')}, kernel ${m('kernelMs')}, initramfs ${m('initramfsMs')}, systemd until the hook ${m('systemdToHookMs')}\n`,
    );
  }
  console.log(
    'blackout: the workload stopped serving (the freeze; a cold stop: systemd began to stop it) → it answers again, on the guest clock (±1 s across a boot: the guest reads the RTC);\n' +
      'not boot: blackout − the new kernel and initrd (systemd’s own start time); until warm: its readiness check (memload: checksum ok; redis: every key loaded);\n' +
      'disk: state = images or RDB written to disk; disk: boot = what the new boot wrote to its root disk until warm.',
  );
  console.log(`raw runs: ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
