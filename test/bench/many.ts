// Benchmark: many small workloads. N lab-memload processes (default 240 of 2 MiB, ~3 MB of images
// each with the program itself, ~700 MB in all) carried across the kexec by Seamless in one
// upgrade; every one must come back with its PID and its checksum. Prints the checkpoint (freeze
// to the last dump), the image check, the restore and the blackout, from the agent's journal.
// Goal (issue 17): 240 workloads, checkpoint ≤ 30 s, restore ≤ 60 s, blackout ≤ 2 min with the boot.
// Not part of `npm test`. Run: `npm run bench:many` or `npm run bench:many -- 60 4M`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labDown, labStatus, labUp } from '../lab/lab.js';
import {
  bootId,
  call,
  deployAgent,
  guest,
  memloads,
  MIN,
  otherKernel,
  plan,
  sleep,
  waitForNewBoot,
  waitForRecord,
  type Memload,
} from '../lab/labAgent.js';
import { RESULTS_DIR } from './results.js';

const n = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 240);
const size = process.argv.slice(2).find((a) => /^\d+[MG]$/.test(a)) ?? '2M';
const s = (ms: unknown) => (typeof ms === 'number' ? `${(ms / 1000).toFixed(1)} s` : '-');

/** pid → the lab-memload-status report of each of these processes, in one SSH call. */
const statuses = async (pids: number[]): Promise<Map<number, Memload>> => new Map((await memloads(pids, 10 * MIN)).map((m) => [m.pid, m]));

async function main(): Promise<void> {
  const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
  if ((await labStatus()).running) await labDown();
  await labUp({ log: () => undefined });
  log(`lab up; agent ${(await deployAgent()).slice(0, 12)}`);
  try {
    // The lab's own lab-memload services (if any run) are not part of this.
    const others = (await guest('pgrep -x lab-memload || true')).trim();
    const pids = (
      await guest(
        `for i in $(seq ${n}); do setsid -f lab-memload ${size} </dev/null >/dev/null 2>&1; done; sleep 1; pgrep -x lab-memload`,
        10 * MIN,
      )
    )
      .trim()
      .split('\n')
      .map(Number)
      .filter((p) => p > 0 && !others.split('\n').map(Number).includes(p))
      .sort((a, b) => a - b);
    let before = await statuses(pids);
    for (let i = 0; i < 120 && [...before.values()].some((x) => !x.ok); i++) {
      await sleep(2000);
      before = await statuses(pids);
    }
    if (pids.length !== n || [...before.values()].some((x) => !x.ok)) throw new Error(`${pids.length} of ${n} lab-memload ready`);
    log(`${n} × lab-memload ${size} running`);
    const boot0 = await bootId();
    const t0 = Date.now();
    const { upgradeId } = await call<{ upgradeId: string }>('upgrade.start', {
      plan: plan(
        pids.map((p) => `pid:${p}`),
        {},
        await otherKernel(),
      ),
    });
    await waitForNewBoot(boot0, 60 * MIN);
    const recs = await waitForRecord(upgradeId, (r) => r.phase === 'report' && r.state === 'done', 60 * MIN);
    const wall = Date.now() - t0;
    const after = await statuses(pids);
    const carried = pids.filter(
      (p) => after.get(p)?.checksum === before.get(p)?.checksum && (after.get(p)?.counter ?? 0) > (before.get(p)?.counter ?? 0),
    );
    const done = (p: string) => recs.find((r) => r.phase === p && r.state === 'done');
    const restoreEnd = recs.findLast((r) => r.phase === 'restore' && (r.state === 'done' || r.state === 'failed'));
    const info = recs.filter((r) => r.phase === 'restore' && r.state === 'info');
    const sum = (xs: (number | undefined)[]) => xs.reduce<number>((a, x) => a + (x ?? 0), 0);
    const cp = done('checkpoint');
    const figures = {
      workloads: n,
      size,
      carried: carried.length,
      outcome: done('report')?.data?.outcome,
      bytesDumped: cp?.data?.bytesDumped,
      preDumpMs: sum(recs.filter((r) => r.phase === 'pre-dump' && r.state === 'done').map((r) => r.durationMs)),
      preDumpSkipped: recs.filter((r) => r.phase === 'pre-dump' && r.state === 'skipped').length,
      checkpointMs: cp?.durationMs,
      criuMsSummed: cp?.data?.criuMs,
      manifestMsSummed: cp?.data?.manifestMs,
      kexecToHookMs: done('boot')?.durationMs,
      imageCheckMsOnPath: sum(info.filter((r) => r.data?.step === 'images-checked').map((r) => r.durationMs)),
      restoreMs: restoreEnd?.durationMs,
      blackoutMs: restoreEnd?.data?.blackoutMs,
      startToReportMs: wall,
    };
    log(
      `carried ${carried.length}/${n} (${String(figures.outcome)}); ${((Number(figures.bytesDumped) || 0) / 1e6).toFixed(0)} MB dumped; pre-dump ${s(figures.preDumpMs)} (${figures.preDumpSkipped} skipped as too small); checkpoint ${s(figures.checkpointMs)}; kexec → hook ${s(figures.kexecToHookMs)}; image check on the critical path ${s(figures.imageCheckMsOnPath)}; restore ${s(figures.restoreMs)}; blackout ${s(figures.blackoutMs)}; start → report ${s(wall)}`,
    );
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, `many-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify({ version: 1, benchmark: 'many', ...figures }, null, 2)}\n`);
    log(`raw figures: ${file}`);
    if (carried.length !== n) process.exitCode = 1;
  } finally {
    await labDown({ log: () => undefined });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
