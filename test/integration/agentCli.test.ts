// The agent on its own, as an orchestrator runs it on a host: `seamless-agent preflight|dry-run|
// upgrade|status|report` on this machine, as root, against a real process (a `sleep`). CRIU
// cannot run here (not installed, and this kernel is newer than any CRIU knows), so preflight
// blocks: the test proves that the refusal is exit 3 with the findings named, that `upgrade`
// then writes nothing (no run, no journal, no lock), that bad input is a stable error code that
// changes nothing, and that the exit codes are the ones `--help` prints. The agent is bundled from
// its sources for the test exactly as `npm run build` bundles it (dist/ may be older than them),
// and run as the one file an orchestrator copies to a host.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preflightResultSchema } from '../../shared/domain/findings';
import { dryRunMeasuresSchema } from '../../shared/domain/dryRun';
import { planSchema } from '../../shared/plan/plan';
import { upgradeSummarySchema } from '../../shared/domain/upgrade';
import { reportSchema } from '../../shared/report/model';
import { AGENT_EXIT, AGENT_EXIT_TABLE } from '../../shared/exitCodes';
import { projectRoot, runNode } from '../helpers/run';
import { bundleAgent } from '../../build/bundleAgent';

const STATE = '/var/lib/seamless';
const UPGRADES = join(STATE, 'upgrades');

let dir: string;
let sleeper: ChildProcess;
let planFile: string;
let agentFile: string;

const runAgent = (args: string[], opts: { uid?: number } = {}) =>
  runNode(agentFile, args, opts.uid === undefined ? {} : { uid: opts.uid, gid: opts.uid, env: { ...process.env, HOME: '/tmp' } });

/** What an upgrade start could leave behind in the state directory. */
const stateSnapshot = () => ({
  upgrades: existsSync(UPGRADES) ? readdirSync(UPGRADES).sort() : null,
  startLock: existsSync(join(STATE, 'start.lock')),
});

function writePlan(name: string, workloads: string[]): string {
  const plan = planSchema.parse({
    version: 1,
    host: 'local',
    createdAt: new Date().toISOString(),
    workloads,
    kernel: { release: null, image: join(dir, 'not-a-kernel'), initrd: null, cmdline: null },
    store: { kind: 'dir', path: join(dir, 'store') },
  });
  const file = join(dir, name);
  writeFileSync(file, `${JSON.stringify(plan, null, 2)}\n`);
  return file;
}

beforeAll(async () => {
  dir = mkdtempSync('/var/tmp/seamless-agent-cli-');
  // Readable by the unprivileged user of the not-root case (the plans hold nothing secret).
  chmodSync(dir, 0o755);
  agentFile = join(dir, 'agent', (await bundleAgent(projectRoot, join(dir, 'agent'), '0.0.0-test')).file);
  chmodSync(join(dir, 'agent'), 0o755);
  writeFileSync(join(dir, 'not-a-kernel'), 'not a kernel\n'.repeat(100));
  sleeper = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
  sleeper.unref();
  planFile = writePlan('plan.json', [`pid:${sleeper.pid}`]);
});

afterAll(() => {
  sleeper?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('seamless-agent on its own (real agent, real process, this machine)', () => {
  it('--help prints every command and every exit code, the fallbacks each its own', async () => {
    const { code, stdout } = await runAgent(['--help']);
    expect(code).toBe(0);
    for (const cmd of ['preflight', 'dry-run', 'upgrade', 'status', 'report']) expect(stdout).toContain(`seamless-agent ${cmd} `);
    for (const { code: c, meaning } of AGENT_EXIT_TABLE) expect(stdout).toContain(`  ${String(c).padEnd(4)} ${meaning}`);
    expect(stdout).toMatch(/^ {2}5 {4}outcome rolled-back/m);
    expect(stdout).toMatch(/^ {2}7 {4}outcome cold-started/m);
    expect(stdout).toMatch(/^ {2}8 {4}outcome restored-unmanaged/m);
    const one = await runAgent(['status', '--help']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('Usage: seamless-agent status [--run ID] [--json]');
  });

  it('preflight refuses the plan (exit 3) and names the blocking findings, read-only', async () => {
    const before = stateSnapshot();
    const human = await runAgent(['preflight', '--plan', planFile]);
    expect(human.code).toBe(AGENT_EXIT.refused);
    expect(human.stdout).toMatch(/^BLOCK kernel\.not-a-kernel$/m);
    expect(human.stdout).toMatch(/^BLOCK criu\.[a-z-]+$/m);
    expect(human.stdout).toContain('The plan cannot start');

    const json = await runAgent(['preflight', '--plan', planFile, '--json']);
    expect(json.code).toBe(AGENT_EXIT.refused);
    const result = preflightResultSchema.parse(JSON.parse(json.stdout));
    expect(result.canStart).toBe(false);
    const blocks = result.findings.filter((f) => f.severity === 'block').map((f) => f.id);
    expect(blocks).toContain('kernel.not-a-kernel');
    expect(blocks.some((id) => id.startsWith('criu.'))).toBe(true);
    // It found the real process: its CRIU options are derived, and nothing says it is missing.
    expect(Object.keys(result.criuOptions)).toEqual([`pid:${sleeper.pid}`]);
    expect(result.findings.map((f) => f.id)).not.toContain('workload.not-found');
    expect(stateSnapshot()).toEqual(before);
    expect(existsSync(join(dir, 'store')) ? readdirSync(join(dir, 'store')) : []).toEqual([]);
  });

  it('upgrade shows preflight, refuses (exit 3, PREFLIGHT_BLOCKED) and leaves no run, journal or lock behind', async () => {
    const before = stateSnapshot();
    const human = await runAgent(['upgrade', '--plan', planFile]);
    expect(human.code).toBe(AGENT_EXIT.refused);
    expect(human.stdout).toMatch(/^BLOCK kernel\.not-a-kernel$/m);
    expect(human.stderr).toMatch(/^seamless-agent: PREFLIGHT_BLOCKED: Preflight has \d+ blocking finding/m);
    expect(human.stdout).not.toContain('started');

    const json = await runAgent(['upgrade', '--plan', planFile, '--json', '--wait']);
    expect(json.code).toBe(AGENT_EXIT.refused);
    const lines = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => l.event ?? Object.keys(l)[0])).toEqual(['preflight', 'error']);
    expect(preflightResultSchema.parse(lines[0]!.result).canStart).toBe(false);
    expect(lines[1]).toMatchObject({ error: { code: 'PREFLIGHT_BLOCKED' } });

    expect(stateSnapshot()).toEqual(before);
    expect(stateSnapshot().startLock).toBe(false);
  });

  it('a selected PID that has exited is a blocking finding that names it (exit 3)', async () => {
    const gone = writePlan('gone.json', ['pid:4194000']);
    const { code, stdout } = await runAgent(['preflight', '--plan', gone, '--json']);
    expect(code).toBe(AGENT_EXIT.refused);
    const result = preflightResultSchema.parse(JSON.parse(stdout));
    expect(result.findings).toContainEqual(
      expect.objectContaining({ id: 'workload.not-found', severity: 'block', workload: 'pid:4194000' }),
    );
  });

  it('dry-run: preflight blocks, so nothing is pre-dumped; calibration files are removed (exit 3)', async () => {
    const { code, stdout } = await runAgent(['dry-run', '--plan', planFile, '--json']);
    expect(code).toBe(AGENT_EXIT.refused);
    const m = dryRunMeasuresSchema.parse(JSON.parse(stdout));
    expect(m.preflight.canStart).toBe(false);
    expect(m.trials).toEqual([]);
    for (const path of m.removed) expect(existsSync(path)).toBe(false);
  });

  it('status and report with no run: UPGRADE_NOT_FOUND, exit 1', async () => {
    const known = stateSnapshot().upgrades ?? [];
    const missing = await runAgent(['status', '--run', 'u-20000101t000000-0000', '--json']);
    expect(missing.code).toBe(AGENT_EXIT.problem);
    expect(JSON.parse(missing.stdout)).toMatchObject({
      error: { code: 'UPGRADE_NOT_FOUND', message: 'No run u-20000101t000000-0000 on this host.' },
    });
    if (known.length > 0) return; // a host that has had upgrades: "the newest" is one of them
    const none = await runAgent(['status']);
    expect(none.code).toBe(AGENT_EXIT.problem);
    expect(none.stderr).toContain('seamless-agent: UPGRADE_NOT_FOUND: No upgrade has run on this host.');
    const noneJson = await runAgent(['status', '--json']);
    expect(noneJson.code).toBe(AGENT_EXIT.problem);
    expect(JSON.parse(noneJson.stdout)).toMatchObject({ error: { code: 'UPGRADE_NOT_FOUND' } });
    const report = await runAgent(['report', '--out', join(dir, 'report.json')]);
    expect(report.code).toBe(AGENT_EXIT.problem);
    expect(report.stderr).toContain('UPGRADE_NOT_FOUND');
    expect(existsSync(join(dir, 'report.json'))).toBe(false);
  });

  it('a malformed, missing or foreign plan is PLAN_INVALID (exit 1) naming the field, and changes nothing', async () => {
    const before = stateSnapshot();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ version: 1, host: 'local', workloads: [] }));
    const malformed = await runAgent(['upgrade', '--plan', bad]);
    expect(malformed.code).toBe(AGENT_EXIT.problem);
    expect(malformed.stderr).toMatch(/^seamless-agent: PLAN_INVALID: .*bad\.json: .*workloads/m);
    expect(malformed.stdout).toBe('');

    writeFileSync(bad, JSON.stringify({ version: 7 }));
    const foreign = await runAgent(['preflight', '--plan', bad, '--json']);
    expect(foreign.code).toBe(AGENT_EXIT.problem);
    expect(JSON.parse(foreign.stdout)).toMatchObject({ error: { code: 'PLAN_INVALID' } });
    expect(foreign.stdout).toContain('version 7');

    writeFileSync(bad, '{ not json');
    expect((await runAgent(['preflight', '--plan', bad])).stderr).toContain('the plan is not JSON');

    const absent = await runAgent(['upgrade', '--plan', join(dir, 'absent.json')]);
    expect(absent.code).toBe(AGENT_EXIT.problem);
    expect(absent.stderr).toContain('PLAN_INVALID: Cannot read the plan: cannot open');

    const notAFile = await runAgent(['preflight', '--plan', dir]);
    expect(notAFile.code).toBe(AGENT_EXIT.problem);
    expect(notAFile.stderr).toContain('is not a regular file');
    expect(stateSnapshot()).toEqual(before);
  });

  it('usage mistakes exit 2 and say so', async () => {
    const noPlan = await runAgent(['preflight']);
    expect(noPlan.code).toBe(AGENT_EXIT.usage);
    expect(noPlan.stderr).toContain('USAGE: Say which plan: --plan FILE');
    expect((await runAgent(['upgrade', '--plan', planFile, '--force'])).code).toBe(AGENT_EXIT.usage);
    expect((await runAgent(['status', '--run', '../../etc'])).code).toBe(AGENT_EXIT.usage);
    const unknown = await runAgent(['frobnicate', '--json']);
    expect(unknown.code).toBe(AGENT_EXIT.usage);
    expect(JSON.parse(unknown.stdout)).toMatchObject({ error: { code: 'USAGE' } });
  });

  it('refuses to run as anyone but root (UNAUTHORIZED, exit 1), before reading the plan', async () => {
    const { code, stderr } = await runAgent(['preflight', '--plan', planFile], { uid: 65534 });
    expect(stderr).toContain('seamless-agent: UNAUTHORIZED: seamless-agent runs as root');
    expect(code).toBe(AGENT_EXIT.problem);
  });
});

// A run's journal as the host keeps it: the journal of a real upgrade recorded on the lab
// (outcome restored), copied under ids of its own; cut before the restore (not ended), and with
// the outcome the host would have decided after a fallback. Removed again afterwards.
describe('seamless-agent status and report on a recorded run', () => {
  const recorded = readFileSync(join(projectRoot, 'test/fixtures/upgrade/lab-tree-256M.journal.jsonl'), 'utf8').trim().split('\n');
  const runs = { restored: 'u-20000101t000000-a001', jumping: 'u-20000101t000000-a002', cold: 'u-20000101t000000-a003' };
  let createdUpgrades = false;

  const writeRun = (id: string, lines: string[]) => {
    mkdirSync(join(UPGRADES, id), { recursive: true, mode: 0o700 });
    writeFileSync(join(UPGRADES, id, 'journal.jsonl'), `${lines.join('\n')}\n`, { mode: 0o600 });
  };

  beforeAll(() => {
    createdUpgrades = !existsSync(UPGRADES);
    for (const id of Object.values(runs)) expect(existsSync(join(UPGRADES, id))).toBe(false);
    writeRun(runs.restored, recorded);
    writeRun(runs.jumping, recorded.slice(0, recorded.findIndex((l) => l.includes('"phase":"kexec"')) + 1));
    writeRun(
      runs.cold,
      recorded.map((l) => l.replace('"outcome":"restored"', '"outcome":"cold-started"')),
    );
  });

  afterAll(() => {
    for (const id of Object.values(runs)) rmSync(join(UPGRADES, id), { recursive: true, force: true });
    if (createdUpgrades && readdirSync(UPGRADES).length === 0) rmSync(UPGRADES, { recursive: true, force: true });
  });

  it('status says how each run ended, by its outcome (0 restored, 7 cold-started) or 75 while not ended', async () => {
    const restored = await runAgent(['status', '--run', runs.restored]);
    expect(restored.code).toBe(AGENT_EXIT.ok);
    expect(restored.stdout).toContain(`Upgrade ${runs.restored} ended (restored:`);
    const json = await runAgent(['status', '--run', runs.restored, '--json']);
    const summary = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(upgradeSummarySchema.parse(summary)).toMatchObject({ id: runs.restored, state: 'ended', outcome: 'restored' });
    expect(summary.exitCode).toBe(0);

    const cold = await runAgent(['status', '--run', runs.cold, '--json']);
    expect(cold.code).toBe(AGENT_EXIT.coldStarted);
    expect(JSON.parse(cold.stdout)).toMatchObject({ outcome: 'cold-started', exitCode: 7 });

    const jumping = await runAgent(['status', '--run', runs.jumping]);
    expect(jumping.code).toBe(AGENT_EXIT.running);
    expect(jumping.stdout).toContain(`Upgrade ${runs.jumping} has not ended yet`);
    expect(jumping.stdout).toMatch(/last: .*kexec +begin/);
  });

  it('report writes the Report model of a run that ended, and refuses (75) one that has not', async () => {
    const out = join(dir, 'report.json');
    const { code, stderr } = await runAgent(['report', '--run', runs.restored, '--out', out]);
    expect(code).toBe(AGENT_EXIT.ok);
    expect(stderr).toContain(`Wrote the report of ${runs.restored} (restored) to ${out}`);
    const report = reportSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(report).toMatchObject({ upgradeId: runs.restored, outcome: 'restored' });
    expect(report.blackout.measuredMs).toBeGreaterThan(0);

    const stdout = await runAgent(['report', '--run', runs.cold]);
    expect(stdout.code).toBe(AGENT_EXIT.ok);
    expect(reportSchema.parse(JSON.parse(stdout.stdout)).outcome).toBe('cold-started');

    const notYet = await runAgent(['report', '--run', runs.jumping, '--out', join(dir, 'early.json')]);
    expect(notYet.code).toBe(AGENT_EXIT.running);
    expect(existsSync(join(dir, 'early.json'))).toBe(false);
  });
});
