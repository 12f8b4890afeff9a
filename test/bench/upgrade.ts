// Benchmark: Seamless side by side with what an admin would do instead (test/bench/methods.ts:
// seamless, criu-disk, cold, reboot), on the lab, for a 256 MiB and a 1 GiB lab-memload service
// and redis with the lab's dataset (50,000 keys of 4 KiB), methods alternating per workload.
// Every run is judged by the guest probe (answered, warm) and the workload's own state; raw runs
// are saved as JSON in bench-results/ and the table is printed with the ratios to Seamless.
// Not part of `npm test`. Run: `npm run bench:upgrade` (everything, ~45 min on this machine) or
// e.g. `npm run bench:upgrade -- 256M redis --methods seamless,criu-disk --rounds 2`; `--disk gp3`
// throttles the lab's root disk to a cloud volume's baseline (125 MiB/s, 3,000 IOPS: the lab's
// own disk is a file in the host's page cache, faster than any server's, which flatters criu-disk);
// `npm run bench:upgrade -- --table bench-results/upgrade-….json …` prints saved runs' table.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GP3_BASELINE, labDown, labStatus, labUp } from '../lab/lab.js';
import { deployAgent } from '../lab/labAgent.js';
import { memloadService, redisService, type BenchWorkload } from './benchWorkloads.js';
import { installProbe } from './guestProbe.js';
import { METHODS, runOnce, type Method, type Run } from './methods.js';
import { median, s, table } from './upgradeTable.js';
import { RESULTS_DIR } from './results.js';

function args(argv: string[]): { workloads: BenchWorkload[]; methods: Method[]; rounds: number; disk: 'host' | 'gp3' } {
  const diskArg = argv.find((a, i) => argv[i - 1] === '--disk') ?? 'host';
  if (diskArg !== 'host' && diskArg !== 'gp3') throw new Error(`--disk ${diskArg}: choose host (the default) or gp3 (throttled)`);
  const methodsArg = argv.find((a, i) => argv[i - 1] === '--methods');
  const roundsArg = argv.find((a, i) => argv[i - 1] === '--rounds');
  const names = argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const all: Record<string, () => BenchWorkload> = {
    '64M': () => memloadService('64M'),
    '256M': () => memloadService('256M'),
    '1G': () => memloadService('1G'),
    touch64M: () => memloadService('64M', true),
    touch1G: () => memloadService('1G', true),
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
    disk: diskArg,
  };
}

async function main(): Promise<void> {
  // `--table FILE…`: the table of saved runs (several files: their runs together), no lab.
  if (process.argv.includes('--table')) {
    const files = process.argv.slice(process.argv.indexOf('--table') + 1);
    console.log(table(files.flatMap((f) => (JSON.parse(readFileSync(f, 'utf8')) as { runs: Run[] }).runs)));
    return;
  }
  const { workloads, methods, rounds, disk } = args(process.argv.slice(2));
  const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
  if ((await labStatus()).running) await labDown();
  const up = await labUp({ log: () => undefined, diskThrottle: disk === 'gp3' ? GP3_BASELINE : undefined });
  log(`lab up in ${up.totalSec.toFixed(0)} s; agent ${(await deployAgent()).slice(0, 12)}`);
  await installProbe();
  const runs: Run[] = [];
  const started = new Date().toISOString();
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `upgrade-${started.replace(/[:.]/g, '-')}.json`);
  // The runs (without their journals) and, beside them, each Seamless run's journal (JSON lines).
  const save = () => {
    writeFileSync(
      file,
      `${JSON.stringify({ version: 1, benchmark: 'upgrade', started, lab: `QEMU TCG, 2 vCPUs, 4 GiB; root disk: ${disk === 'gp3' ? 'throttled to 125 MiB/s, 3000 IOPS (gp3 baseline)' : "a file in the host's page cache"}`, runs: runs.map(({ journal: _, ...r }) => r) }, null, 2)}\n`,
    );
    const journals = runs.filter((r) => r.journal && r.upgradeId);
    if (journals.length)
      writeFileSync(
        file.replace(/\.json$/, '.journals.jsonl'),
        journals.flatMap((r) => r.journal!.map((rec) => JSON.stringify({ upgradeId: r.upgradeId, ...rec }))).join('\n') + '\n',
      );
  };
  try {
    for (const w of workloads) {
      for (let round = 0; round < rounds; round++)
        for (const m of methods) {
          const r = await runOnce(w, m, log);
          runs.push(r);
          save();
          const t = r.after.touch;
          if (t)
            log(
              `  ${m}: its own touches since the blackout: ${t.touches}, slowest ${(t.slowestUs / 1000).toFixed(1)} ms, over 1/10/100 ms: ${t.over1ms}/${t.over10ms}/${t.over100ms}`,
            );
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
      'not boot: blackout − the new kernel and initrd (systemd’s own start time); ours: the agent’s blackout − kexec → restore hook (checkpoint, image check, restore); until warm: its readiness check (memload: checksum ok; redis: every key loaded);\n' +
      'disk: state = images or RDB written to disk; disk: boot = what the new boot wrote to its root disk until warm.',
  );
  console.log(`raw runs: ${file}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
