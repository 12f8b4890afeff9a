// Benchmark: the upgrade's phases and blackout on the lab, per workload size. For each size a
// process tree holding that much written memory (lab-memload-tree: a parent and a child with a
// checksummed pattern and a 100 ms counter) is carried to the other kernel by the real agent;
// the figures come from the upgrade's own journal and report, and the workload is checked after
// (same PIDs, checksum unchanged, counter went on). Prints a table; not part of `npm test`.
// Run: `npm run bench:upgrade` (sizes 256M and 1G) or `npm run bench:upgrade -- 512M`.
import { labDown, labStatus, labUp } from '../lab/lab.js';
import { call, deployAgent, guest, memload, MIN, otherKernel, plan, waitForKernel, waitForRecord, type Rec } from '../lab/labAgent.js';

const sizes = process.argv.slice(2).filter((a) => /^\d+[MG]$/.test(a));
const SIZES = sizes.length > 0 ? sizes : ['256M', '1G'];

interface Report {
  outcome: string;
  blackoutMs: number | null;
  bytesDumped: number;
  phases: { phase: string; durationMs: number; ok: boolean }[];
}

const s = (ms: number | undefined | null) => (typeof ms === 'number' ? `${(ms / 1000).toFixed(1)} s` : '-');

async function one(size: string): Promise<string[]> {
  const keeper = Number((await guest(`lab-memload-tree ${size}`)).trim());
  await new Promise((r) => setTimeout(r, 2000));
  const child = Number((await guest(`cat /proc/${keeper}/task/${keeper}/children`)).trim());
  // the child writes its whole pattern before it reports ok
  let before = await memload(child);
  for (let i = 0; i < 120 && !before.ok; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    before = await memload(child);
  }
  if (!before.ok) throw new Error(`lab-memload ${size} did not get ready`);
  const target = await otherKernel();
  const t0 = Date.now();
  const { upgradeId } = await call<{ upgradeId: string }>('upgrade.start', { plan: plan([`pid:${keeper}`], {}, target) });
  await waitForKernel(target, 20 * MIN);
  const recs: Rec[] = await waitForRecord(upgradeId, (r) => r.phase === 'report' && r.state === 'done', 20 * MIN);
  const wall = Date.now() - t0;
  const after = await memload(child);
  const report = JSON.parse(await guest(`cat /var/lib/seamless/upgrades/${upgradeId}/report.json`)) as Report;
  const find = (p: string, st = 'done') => recs.find((r) => r.phase === p && r.state === st);
  const checkpoint = find('checkpoint')?.data as { criuMs?: number; manifestMs?: number } | undefined;
  const restoreSteps = recs.filter((r) => r.phase === 'restore' && r.state === 'info' && r.durationMs !== undefined);
  const verify = restoreSteps.find((r) => /manifest/.test(r.message))?.durationMs;
  const criuRestore = restoreSteps.find((r) => /restored \d+ process/.test(r.message))?.durationMs;
  const preDump = find('pre-dump')?.data as { roundBytes?: number[] } | undefined;
  const ok = after.ok && after.checksum === before.checksum && after.counter > before.counter && after.pid === child;
  await guest(`kill ${keeper} ${child} || true`);
  return [
    size,
    report.outcome + (ok ? '' : ' (CHECK FAILED)'),
    `${(report.bytesDumped / 1024 / 1024).toFixed(0)} MiB`,
    (preDump?.roundBytes ?? []).map((b) => `${(b / 1024 / 1024).toFixed(0)}`).join('/') || '-',
    s(find('pre-dump')?.durationMs),
    s(checkpoint?.criuMs),
    s(checkpoint?.manifestMs),
    s(find('checkpoint')?.durationMs),
    s(find('boot')?.durationMs),
    s(verify),
    s(criuRestore),
    s(find('restore')?.durationMs),
    s(report.blackoutMs),
    s(wall),
  ];
}

async function main(): Promise<void> {
  if ((await labStatus()).running) await labDown();
  const up = await labUp({ log: () => undefined });
  console.log(`lab up in ${up.totalSec.toFixed(0)} s; agent ${(await deployAgent()).slice(0, 12)}`);
  const head = [
    'size',
    'outcome',
    'dumped',
    'pre-dump MiB/round',
    'pre-dump',
    'freeze: criu dump',
    'freeze: manifest',
    'checkpoint',
    'kexec → hook',
    'verify images',
    'criu restore',
    'restore',
    'blackout',
    'start → report',
  ];
  const rows: string[][] = [];
  try {
    for (const size of SIZES) {
      console.log(`upgrading with a ${size} tree …`);
      rows.push(await one(size));
    }
  } finally {
    await labDown({ log: () => undefined });
  }
  for (let i = 0; i < head.length; i++) console.log(`${head[i]!.padEnd(20)} ${rows.map((r) => r[i]!.padStart(14)).join(' ')}`);
  console.log(
    'blackout = freeze (checkpoint begins) → every workload restored; measured by the agent on the host (lab: QEMU TCG, 2 vCPUs)',
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
