// A plan template handed to the agent on its own, as a playbook hands it to every host of a
// group: the agent resolves it here, against this machine's facts and inventory. A unit that
// runs here (a `sleep` put into a cgroup named like a systemd service, which is how the
// inventory knows services) resolves to its exact name; a unit that does not, and "the newest
// installed kernel" on a machine whose /boot has none newer, are problems, each named, exit 3,
// and nothing is changed. The agent is bundled from its sources, as agentCli.test.ts does.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_EXIT } from '../../shared/exitCodes';
import { templateProblemSchema } from '../../shared/plan/planTemplate';
import { projectRoot, runNode } from '../helpers/run';
import { bundleAgent } from '../../build/bundleAgent';
import * as z from '../../shared/zod';

const STATE = '/var/lib/seamless';
const UPGRADES = join(STATE, 'upgrades');
/** systemd's own v1 hierarchy: the inventory reads a process's service from its path there. */
const SYSTEMD_CGROUP = '/sys/fs/cgroup/systemd';

let dir: string;
let agentFile: string;
let sleeper: ChildProcess;
let unit: string | null = null;
let unitCgroup: string | null = null;

const runAgent = (args: string[]) => runNode(agentFile, args);

function writeTemplate(name: string, workloads: string[], kernel: unknown = { newest: true }): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    `${JSON.stringify({ version: 1, kind: 'plan-template', createdAt: new Date().toISOString(), workloads, kernel, store: { kind: 'dir', path: join(dir, 'store') } }, null, 2)}\n`,
  );
  return file;
}

const stateSnapshot = () => ({
  upgrades: existsSync(UPGRADES) ? readdirSync(UPGRADES).sort() : null,
  lock: existsSync(join(STATE, 'start.lock')),
});
const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), problems: z.array(templateProblemSchema) }) });

beforeAll(async () => {
  dir = mkdtempSync('/var/tmp/seamless-agent-template-');
  chmodSync(dir, 0o755);
  agentFile = join(dir, 'agent', (await bundleAgent(projectRoot, join(dir, 'agent'), '0.0.0-test')).file);
  sleeper = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
  sleeper.unref();
  // A service as the inventory sees one: a process in system.slice/NAME.service of systemd's hierarchy.
  const name = `seamless-tmpl-${process.pid}`;
  const path = join(SYSTEMD_CGROUP, 'system.slice', `${name}.service`);
  try {
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'cgroup.procs'), String(sleeper.pid));
    unit = name;
    unitCgroup = path;
  } catch (err) {
    console.warn(`no service cgroup here (${err instanceof Error ? err.message : String(err)}): the resolved-unit check is skipped`);
  }
});

afterAll(() => {
  sleeper?.kill('SIGKILL');
  if (unitCgroup) {
    for (let i = 0; i < 50; i++) {
      try {
        rmdirSync(unitCgroup);
        break;
      } catch {
        // the killed sleep leaves the cgroup a moment later
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      }
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('seamless-agent with a plan template (resolved on this machine)', () => {
  it('resolve names every problem (a unit not here, no newer kernel) with PLAN_TEMPLATE_UNRESOLVED, exit 3', async () => {
    const workloads = [...(unit ? [`unit:${unit}`] : []), 'unit:seamless-no-such-unit'];
    const file = writeTemplate('template.json', workloads);
    const human = await runAgent(['resolve', '--plan', file]);
    expect(human.code).toBe(AGENT_EXIT.refused);
    expect(human.stdout).toBe('');
    expect(human.stderr).toMatch(
      /^seamless-agent: PLAN_TEMPLATE_UNRESOLVED: The template does not resolve on \S+ \(2 problems\); nothing was changed\./m,
    );
    expect(human.stderr).toContain('workload.not-found: Nothing running on');
    expect(human.stderr).toContain('is unit:seamless-no-such-unit (seamless-no-such-unit.service)');
    // This machine's /boot has no kernel newer than the one it runs (it has none at all).
    expect(human.stderr).toMatch(/kernel\.(none-installed|already-running|older-than-running): /);

    const json = await runAgent(['resolve', '--plan', file, '--json']);
    expect(json.code).toBe(AGENT_EXIT.refused);
    const { error } = errorSchema.parse(JSON.parse(json.stdout));
    expect(error.code).toBe('PLAN_TEMPLATE_UNRESOLVED');
    expect(error.problems.map((p) => p.code)).toEqual(['workload.not-found', expect.stringMatching(/^kernel\./)]);
    // The unit that runs here resolved: it is no problem.
    if (unit) expect(error.problems.some((p) => p.message.includes(unit!))).toBe(false);
  });

  it('a unit that runs here is found by its short name; only the kernel is left as the problem', async (ctx) => {
    if (!unit) return ctx.skip();
    const file = writeTemplate('one.json', [`unit:${unit}`]);
    const { code, stdout } = await runAgent(['resolve', '--plan', file, '--json']);
    expect(code).toBe(AGENT_EXIT.refused);
    expect(errorSchema.parse(JSON.parse(stdout)).error.problems.map((p) => p.code)).toEqual([expect.stringMatching(/^kernel\./)]);
  });

  it('preflight, dry-run and upgrade refuse an unresolved template the same way, and change nothing', async () => {
    const file = writeTemplate('template.json', ['unit:seamless-no-such-unit']);
    const before = stateSnapshot();
    for (const cmd of ['preflight', 'dry-run']) {
      const r = await runAgent([cmd, '--plan', file, '--json']);
      expect(r.code).toBe(AGENT_EXIT.refused);
      expect(errorSchema.parse(JSON.parse(r.stdout)).error.code).toBe('PLAN_TEMPLATE_UNRESOLVED');
    }
    const up = await runAgent(['upgrade', '--plan', file, '--json', '--wait']);
    expect(up.code).toBe(AGENT_EXIT.refused);
    // No preflight ran: the one line is the refusal.
    expect(up.stdout.trim().split('\n')).toHaveLength(1);
    expect(errorSchema.parse(JSON.parse(up.stdout)).error.problems[0]!.code).toBe('workload.not-found');
    expect(stateSnapshot()).toEqual(before);
    expect(existsSync(join(dir, 'store'))).toBe(false);
  });

  it('a template with a host-specific selector is PLAN_INVALID (exit 1) saying why', async () => {
    const file = writeTemplate('pid.json', ['pid:1']);
    const r = await runAgent(['resolve', '--plan', file]);
    expect(r.code).toBe(AGENT_EXIT.problem);
    expect(r.stderr).toContain('PLAN_INVALID');
    expect(r.stderr).toContain('workloads.0: pid:N and session:ID name one host’s processes');
  });
});
