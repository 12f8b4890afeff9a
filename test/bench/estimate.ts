// Benchmark: is the promise right? For memory trees of about 64 MiB, 256 MiB and 1 GiB and for
// Debian's redis, on the lab, through the CLI exactly as an admin would: `seamless plan`, then
// `seamless dry-run --trial-dump` (calibration, pre-dump rounds, a trial freeze), then
// `seamless upgrade`, then `seamless report --format json`. The report holds the estimate that
// was journaled at the start beside what was measured; the table shows both per phase and for
// the blackout, whether the measurement fell inside the range, and its distance from the
// midpoint. The controller keeps calibration and history as it does for a user, so later runs
// learn from earlier ones (the kexec boot). Not part of `npm test`. Run: `npm run bench:estimate`
// (or `npm run bench:estimate -- 256M redis`). Raw reports are kept under test-results/bench/.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labStatus, labUp } from '../lab/lab.js';
import { guest, otherKernel } from '../lab/labAgent.js';
import { projectRoot, runSeamless } from '../helpers/run';
import type { Report } from '../../shared/report/model';
import { PHASE_LABELS } from '../../shared/report/reportText';

const args = process.argv.slice(2).filter((a) => /^(\d+[MG]|redis)$/.test(a));
const CASES = args.length > 0 ? args : ['64M', '256M', '1G', 'redis'];
const out = join(projectRoot, 'test-results', 'bench');
const s = (ms: number | null | undefined) => (typeof ms === 'number' ? `${(ms / 1000).toFixed(1)} s` : '-');

async function cli(argv: string[]): Promise<string> {
  const r = await runSeamless(argv);
  if (r.code !== 0 && r.code !== 3) throw new Error(`seamless ${argv.join(' ')} exited ${r.code}:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

async function redisSelector(): Promise<string> {
  const unit = 'redis-server.service';
  await guest(
    `mkdir -p /etc/systemd/system/${unit}.d && printf '%s\\n' '[Service]' PrivateUsers=no ProtectHostname=no PrivateTmp=no PrivateDevices=no ProtectSystem=no ProtectHome=no ProtectKernelTunables=no ProtectKernelModules=no ProtectKernelLogs=no ProtectControlGroups=no ProtectClock=no ProtectProc=default ReadWritePaths= ReadWriteDirectories= NoExecPaths= ExecPaths= > /etc/systemd/system/${unit}.d/50-no-sandbox.conf && systemctl daemon-reload && systemctl restart ${unit} && systemctl restart lab-redis-fill.service`,
  );
  return `unit:${unit}`;
}

async function one(name: string): Promise<{ name: string; report: Report; dryRunMs: number }> {
  const keeper = name === 'redis' ? null : Number((await guest(`lab-memload-tree ${name}`)).trim());
  const selector = keeper === null ? await redisSelector() : `pid:${keeper}`;
  await new Promise((r) => setTimeout(r, name === '1G' ? 20_000 : 5000)); // the tree writes its pattern first
  const dir = mkdtempSync(join(tmpdir(), 'seamless-bench-estimate-'));
  const planFile = join(dir, 'plan.json');
  await cli(['plan', '--host', 'lab', '--select', selector, '--kernel', await otherKernel(), '--out', planFile]);
  const dry = JSON.parse(await cli(['dry-run', '--plan', planFile, '--trial-dump', '--json'])) as {
    measures: { durationMs: number; notes: string[] };
  };
  if (dry.measures.notes.length) console.log(`${name}: dry run notes: ${dry.measures.notes.join(' | ')}`);
  const lines = (await cli(['upgrade', '--plan', planFile, '--json'])).trim().split('\n');
  const end = JSON.parse(lines.at(-1)!) as { id: string; outcome: string };
  await cli(['report', '--host', 'lab', '--id', end.id, '--format', 'json', '--out', join(dir, 'report.json')]);
  const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `estimate-${name}-${end.id}.json`), JSON.stringify(report, null, 2));
  // (never pkill -f here: the pattern would match this very SSH command and kill it)
  if (keeper !== null) await guest(`kill $(cat /proc/${keeper}/task/${keeper}/children) ${keeper} || true`);
  return { name, report, dryRunMs: dry.measures.durationMs };
}

function row(name: string, label: string, est: Report['blackout']['estimate'], measured: number | null): string[] {
  const inside = est && measured !== null ? (measured >= est.lowMs && measured <= est.highMs ? 'yes' : 'NO') : '-';
  const off = est && measured !== null && est.midMs > 0 ? `${(((measured - est.midMs) / est.midMs) * 100).toFixed(0)} %` : '-';
  return [name, label, est ? `${s(est.lowMs)} – ${s(est.highMs)}` : '-', s(est?.midMs), s(measured), inside, off];
}

async function main(): Promise<void> {
  if ((await labStatus()).running) await labDown();
  const up = await labUp({ log: () => undefined });
  console.log(`lab up in ${up.totalSec.toFixed(0)} s`);
  const rows: string[][] = [];
  try {
    for (const c of CASES) {
      const { name, report, dryRunMs } = await one(c);
      console.log(`${name}: ${report.outcome}, dry run ${s(dryRunMs)}`);
      for (const p of report.phases) rows.push(row(name, PHASE_LABELS[p.phase], p.estimate, p.measuredMs));
      rows.push(row(name, 'BLACKOUT', report.blackout.estimate, report.blackout.measuredMs));
    }
  } finally {
    await labDown();
  }
  const head = ['case', 'phase', 'promised range', 'midpoint', 'measured', 'inside', 'vs midpoint'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
