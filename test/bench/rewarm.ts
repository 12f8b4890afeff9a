// Benchmark: is the page-cache rewarm worth it? A reader keeps six 64 MiB files open (as a
// database keeps its data files) and reads them all, pass after pass, logging each pass. It is
// carried across the kexec by Seamless with the rewarm on and off, alternating; the figure is
// its first whole pass after the restore, beside a warm pass and a cold one (caches dropped) on
// the old kernel. Also printed: the dirty bytes at the freeze (what the pre-sync left).
// Not part of `npm test`. Run: `npm run bench:rewarm` (≈ 15 min), `-- --rounds 2` for more.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labDown, labExec, labStatus, labUp } from '../lab/lab.js';
import { bootId, call, deployAgent, guest, MIN, otherKernel, plan, sleep, waitForNewBoot, waitForRecord } from '../lab/labAgent.js';
import { RESULTS_DIR } from './results.js';

const DIR = '/var/lib/lab-reader';
const FILES = 6;
const READER = `#!/bin/sh
# lab-reader DIR: keeps DIR's files open and reads them all, pass after pass; each pass's start and end (ms) to DIR/passes.log
cd "$1" || exit 1
exec 3<f1 4<f2 5<f3 6<f4 7<f5 8<f6
while :; do
  s=$(date +%s%3N)
  for fd in 3 4 5 6 7 8; do cat /proc/$$/fd/$fd > /dev/null; done
  echo "$s $(date +%s%3N)" >> passes.log
done
`;

interface Pass {
  start: number;
  end: number;
}
const passes = async (): Promise<Pass[]> =>
  (await guest(`cat ${DIR}/passes.log`))
    .trim()
    .split('\n')
    .map((l) => l.split(' ').map(Number))
    .filter((p) => p.length === 2 && p.every(Number.isFinite))
    .map(([start, end]) => ({ start: start!, end: end! }));

async function waitPasses(after: number, n: number): Promise<Pass[]> {
  for (let i = 0; i < 300; i++) {
    const ps = (await passes()).filter((p) => p.start >= after);
    if (ps.length >= n) return ps;
    await sleep(2000);
  }
  throw new Error(`the reader did not finish ${n} pass(es) after ${after}`);
}

async function startReader(): Promise<number> {
  const r = await labExec(`mkdir -p ${DIR} && cat > /usr/local/bin/lab-reader && chmod 755 /usr/local/bin/lab-reader`, { input: READER });
  if (r.code !== 0) throw new Error(r.stderr);
  await guest(
    `cd ${DIR} && for i in $(seq ${FILES}); do [ -s f$i ] || head -c 64M /dev/urandom > f$i; done; rm -f passes.log; sync`,
    10 * MIN,
  );
  await guest(`setsid -f /usr/local/bin/lab-reader ${DIR} </dev/null >/dev/null 2>&1`);
  const pid = Number((await guest('sleep 1; pgrep -o -f "lab-reader /var/lib"')).trim());
  await waitPasses(0, 2);
  return pid;
}

const dur = (p: Pass | undefined) => (p ? p.end - p.start : NaN);

async function main(): Promise<void> {
  const rounds = Math.max(1, Number(process.argv.find((a, i) => process.argv[i - 1] === '--rounds') ?? 1));
  const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
  if ((await labStatus()).running) await labDown();
  await labUp({ log: () => undefined });
  log(`lab up; agent ${(await deployAgent()).slice(0, 12)}`);
  const runs: Record<string, unknown>[] = [];
  try {
    const pid = await startReader();
    const t = Number((await guest('date +%s%3N')).trim());
    const warm = dur((await waitPasses(t, 1))[0]);
    await guest('sync; echo 3 > /proc/sys/vm/drop_caches');
    const t2 = Number((await guest('date +%s%3N')).trim());
    // the pass under way when the caches were dropped is mixed; the next one is cold
    const cold = dur((await waitPasses(t2, 2))[1]);
    log(`reader pid ${pid}: warm pass ${(warm / 1000).toFixed(1)} s, cold pass (caches dropped) ${(cold / 1000).toFixed(1)} s`);
    for (let round = 0; round < rounds; round++)
      for (const rewarm of [true, false]) {
        const boot0 = await bootId();
        const { upgradeId } = await call<{ upgradeId: string }>('upgrade.start', {
          plan: plan([`pid:${pid}`], { rewarm }, await otherKernel()),
        });
        await waitForNewBoot(boot0, 20 * MIN);
        const recs = await waitForRecord(upgradeId, (r) => r.phase === 'report' && r.state === 'done', 20 * MIN);
        const restored = recs.findLast((r) => r.phase === 'restore' && r.state === 'done');
        const restoredAt = typeof restored?.data?.restoredAtMs === 'number' ? restored.data.restoredAtMs : NaN;
        const rw = recs.find((r) => r.phase === 'rewarm' && r.state === 'done');
        const cp = recs.find((r) => r.phase === 'checkpoint' && r.state === 'done');
        const after = await waitPasses(restoredAt, 2);
        const run = {
          rewarm,
          upgradeId,
          outcome: recs.find((r) => r.phase === 'report' && r.state === 'done')?.data?.outcome,
          firstPassMs: dur(after[0]),
          secondPassMs: dur(after[1]),
          rewarmMs: rw?.durationMs ?? null,
          rewarmBytes: rw?.data?.bytes ?? null,
          dirtyBytesAtFreeze: cp?.data?.dirtyBytesAtFreeze ?? null,
          blackoutMs: restored?.data?.blackoutMs ?? null,
        };
        runs.push(run);
        log(
          `rewarm ${rewarm ? 'on ' : 'off'}: first pass after the restore ${(run.firstPassMs / 1000).toFixed(1)} s, second ${(run.secondPassMs / 1000).toFixed(1)} s; rewarm ${String(run.rewarmBytes)} bytes in ${String(run.rewarmMs)} ms; dirty at the freeze ${String(run.dirtyBytesAtFreeze)} bytes`,
        );
      }
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, `rewarm-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ version: 1, benchmark: 'rewarm', files: `${FILES} × 64 MiB`, warmPassMs: warm, coldPassMs: cold, runs }, null, 2)}\n`,
    );
    log(`raw runs: ${file}`);
  } finally {
    await labDown({ log: () => undefined });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
