// Benchmark: is the page-cache rewarm worth it? A reader keeps six 64 MiB files open and reads
// every 8 KiB block of them (a database's page size) in a scattered order, pass after pass
// (test/bench/randReader.c). It is carried across the kexec by Seamless with the rewarm on and
// off, alternating; the figures are the time from the restore until the reader has been through
// all its data once more, and its first whole pass after the restore, beside a warm and a cold
// pass on the old kernel. The lab's root disk is throttled to a cloud volume's baseline
// (GP3_BASELINE: 125 MiB/s, 3,000 IOPS; `--disk host` for the unthrottled file in the host's page
// cache, where cold and warm read alike): a cold page cache costs what it costs on a server.
// Also printed: the dirty bytes at the freeze (what the pre-sync left).
// Not part of `npm test`. Run: `npm run bench:rewarm` (≈ 15 min), `-- --rounds 2` for more.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GP3_BASELINE, labDown, labStatus, labUp } from '../lab/lab.js';
import { bootId, call, deployAgent, guest, MIN, otherKernel, plan, sleep, waitForNewBoot, waitForRecord } from '../lab/labAgent.js';
import { RESULTS_DIR } from './results.js';
import { installStaticBinary } from './staticBinary.js';

const DIR = '/var/lib/lab-reader';
const FILES = 6;
const BLOCK = 8192;
const READER = '/usr/local/bin/lab-randreader';

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
  for (let i = 0; i < 600; i++) {
    const ps = (await passes()).filter((p) => p.start >= after);
    if (ps.length >= n) return ps;
    await sleep(2000);
  }
  throw new Error(`the reader did not finish ${n} pass(es) after ${after}`);
}

/** The reader, built statically here (the guest has no compiler) and copied into the lab. */
const installReader = () => installStaticBinary(join(import.meta.dirname, 'randReader.c'), READER);

/** One pass on its own, in ms (the reader's `once`). */
const onePass = async (): Promise<number> => Number((await guest(`${READER} ${DIR} ${FILES} ${BLOCK} once`, 10 * MIN)).trim());

/** The reader and its files in the guest; then its warm and cold pass, alone (ms). */
async function prepareReader(): Promise<{ warm: number; cold: number }> {
  await installReader();
  await guest(
    `mkdir -p ${DIR} && cd ${DIR} && for i in $(seq ${FILES}); do [ -s f$i ] || head -c 64M /dev/urandom > f$i; done; rm -f passes.log; sync`,
    10 * MIN,
  );
  await onePass(); // everything cached
  const warm = await onePass();
  await guest('sync; echo 3 > /proc/sys/vm/drop_caches');
  return { warm, cold: await onePass() };
}

async function startReader(): Promise<number> {
  await guest(`setsid -f ${READER} ${DIR} ${FILES} ${BLOCK} </dev/null >/dev/null 2>&1`);
  const pid = Number((await guest(`sleep 1; pgrep -o -x lab-randreader`)).trim());
  await waitPasses(0, 2);
  return pid;
}

const dur = (p: Pass | undefined) => (p ? p.end - p.start : NaN);

async function main(): Promise<void> {
  const rounds = Math.max(1, Number(process.argv.find((a, i) => process.argv[i - 1] === '--rounds') ?? 1));
  const log = (m: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${m}`);
  const disk = process.argv.find((a, i) => process.argv[i - 1] === '--disk') ?? 'gp3';
  if (disk !== 'gp3' && disk !== 'host') throw new Error(`--disk ${disk}: choose gp3 (throttled, the default) or host`);
  if ((await labStatus()).running) await labDown();
  await labUp({ log: () => undefined, diskThrottle: disk === 'gp3' ? GP3_BASELINE : undefined });
  log(`lab up; agent ${(await deployAgent()).slice(0, 12)}`);
  const runs: Record<string, unknown>[] = [];
  try {
    const { warm, cold } = await prepareReader();
    const pid = await startReader();
    log(
      `reader pid ${pid} (disk: ${disk}): warm pass ${(warm / 1000).toFixed(1)} s, cold pass (caches dropped) ${(cold / 1000).toFixed(1)} s`,
    );
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
        const rwBegin = recs.find((r) => r.phase === 'rewarm' && r.state === 'begin');
        const cp = recs.find((r) => r.phase === 'checkpoint' && r.state === 'done');
        const after = await waitPasses(restoredAt, 2);
        const run = {
          rewarm,
          upgradeId,
          outcome: recs.find((r) => r.phase === 'report' && r.state === 'done')?.data?.outcome,
          // the pass the freeze interrupted ends, then one whole pass: every block read again
          untilThroughAllMs: (after[0]?.end ?? NaN) - restoredAt,
          firstPassMs: dur(after[0]),
          secondPassMs: dur(after[1]),
          rewarmMs: rw?.durationMs ?? null,
          rewarmStartedAfterRestoreMs: rwBegin ? rwBegin.atMs - restoredAt : null,
          rewarmBytes: rw?.data?.bytes ?? null,
          dirtyBytesAtFreeze: cp?.data?.dirtyBytesAtFreeze ?? null,
          blackoutMs: restored?.data?.blackoutMs ?? null,
        };
        runs.push(run);
        log(
          `rewarm ${rewarm ? 'on ' : 'off'}: through all its data again ${(run.untilThroughAllMs / 1000).toFixed(1)} s after the restore; first whole pass ${(run.firstPassMs / 1000).toFixed(1)} s, second ${(run.secondPassMs / 1000).toFixed(1)} s; rewarm ${String(run.rewarmBytes)} bytes in ${String(run.rewarmMs)} ms, begun ${String(run.rewarmStartedAfterRestoreMs)} ms after the restore; dirty at the freeze ${String(run.dirtyBytesAtFreeze)} bytes`,
        );
      }
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, `rewarm-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ version: 2, benchmark: 'rewarm', disk: disk === 'gp3' ? { ...GP3_BASELINE, name: 'gp3 baseline' } : 'host page cache', files: `${FILES} × 64 MiB`, blockBytes: BLOCK, warmPassMs: warm, coldPassMs: cold, runs }, null, 2)}\n`,
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
