// Why: `upgrade.start` must answer at once and the upgrade must not depend on the SSH session
// that asked for it (it dies at the kexec, and may drop earlier). So the handler checks the
// plan (preflight, once: a blocking finding refuses; its answer, preflight.json, is what the
// run uses), writes it with a copy of this very agent file
// into the upgrade's directory, and starts `--run-upgrade <id>` as a transient systemd unit:
// outside the session's cgroup (logind and sshd cannot take it down), logged by journald,
// visible as seamless-upgrade-<id>.service, collected when it ends (--collect, even failed),
// and KillMode=process so stopping the unit never signals a criu child mid-dump.
import { chmodSync, copyFileSync, existsSync, mkdirSync, openSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { spawn } from 'node:child_process';
import { parsePlan, type Plan } from '../../shared/plan/plan';
import { SeamlessError, tailOf } from '../../shared/errors';
import type { PreflightResult } from '../../shared/domain/findings';
import { Journal, listUpgrades, readJournal } from './journal';
import {
  agentCopyPath,
  HOOK_UNIT,
  journalPath,
  newUpgradeId,
  planPath,
  preflightPath,
  reportPath,
  upgradeDir,
  UPGRADES_DIR,
} from './paths';
import { dirname, join } from 'node:path';
import { sh } from '../exec/sh';
import { summarize, upgradeReportSchema, type UpgradeReport, type UpgradeSummary } from '../../shared/domain/upgrade';
import { JOURNAL_VERSION, type JournalRecord } from '../../shared/domain/journal';
import { formatUpgradeFile, type PreflightFile } from '../../shared/domain/upgradeFiles';
import { estimate, type Estimate } from '../../shared/estimate/estimate';
import { readHostFacts } from '../facts/hostFacts';
import { listInventory } from '../inventory/inventory';
import { finish } from './report';
import { readOptional } from '../fs/readOptional';
import { readUpgradeFile } from './state';

export const upgradeUnit = (id: string) => `seamless-upgrade-${id}.service`;

/** The file this agent runs from (the bundle; under tsx, the entry script). */
export function ownAgentFile(): string {
  return realpathSync(process.argv[1] ?? __filename);
}

/** Held while one start checks for a running upgrade and launches its own (two controllers may ask at once). */
const START_LOCK = join(dirname(UPGRADES_DIR), 'start.lock');
const STALE_LOCK_MS = 10 * 60_000;

function takeStartLock(): () => void {
  mkdirSync(dirname(START_LOCK), { recursive: true, mode: 0o700 });
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(START_LOCK, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => rmSync(START_LOCK, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A start that died midway leaves its lock: not trusted for long.
      const age = Date.now() - statSync(START_LOCK).mtimeMs;
      if (attempt === 0 && age > STALE_LOCK_MS) {
        rmSync(START_LOCK, { force: true });
        continue;
      }
      throw new SeamlessError(
        'UPGRADE_START_FAILED',
        'Another upgrade is being started on this host right now; wait for it, then attach to it.',
        {
          evidence: `${START_LOCK} (${Math.round(age / 1000)} s old)`,
        },
      );
    }
  }
}

/** Refuses while an upgrade runs: its own unit, or the boot hook restoring it on the new kernel. */
async function refuseWhileRunning(): Promise<void> {
  for (const u of listUpgrades().filter((x) => x.state === 'running')) {
    for (const unit of [upgradeUnit(u.id), HOOK_UNIT]) {
      const active = (await sh('systemctl', ['is-active', unit])).stdout.trim();
      if (active === 'active' || active === 'activating' || active === 'reloading')
        throw new SeamlessError('UPGRADE_START_FAILED', `Upgrade ${u.id} is still running (${unit} is ${active}); attach to it instead.`);
    }
  }
}

export async function startUpgrade(
  plan: Plan,
  runPreflight: (plan: Plan) => Promise<PreflightResult>,
  promised?: Estimate,
): Promise<{ upgradeId: string; unit: string; journal: string }> {
  const unlock = takeStartLock();
  try {
    await refuseWhileRunning();
    return await launch(plan, runPreflight, promised);
  } finally {
    unlock();
  }
}

async function launch(
  plan: Plan,
  runPreflight: (plan: Plan) => Promise<PreflightResult>,
  promised?: Estimate,
): Promise<{ upgradeId: string; unit: string; journal: string }> {
  const pre = await runPreflight(plan);
  if (!pre.canStart) {
    const blocks = pre.findings.filter((f) => f.severity === 'block');
    throw new SeamlessError(
      'PREFLIGHT_BLOCKED',
      `Preflight has ${blocks.length} blocking finding(s): ${blocks.map((b) => b.message).join(' ')}`,
      {
        evidence: blocks.map((b) => `${b.id}${b.workload ? ` (${b.workload})` : ''}: ${b.evidence}`).join('\n'),
        details: { findings: blocks },
      },
    );
  }
  const id = newUpgradeId();
  mkdirSync(upgradeDir(id), { recursive: true, mode: 0o700 });
  // Root's alone, also where an older version or the package left them open.
  for (const d of [UPGRADES_DIR, dirname(UPGRADES_DIR)]) chmodSync(d, 0o700);
  writeFileSync(planPath(id), `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
  writeFileSync(preflightPath(id), formatUpgradeFile('preflight.json', pre), { mode: 0o600 });
  // The boot hook runs the very same agent on the new kernel, whatever is deployed by then.
  copyFileSync(ownAgentFile(), agentCopyPath(id));
  const journal = new Journal(id);
  const unit = upgradeUnit(id);
  const node = process.execPath;
  journal.write({
    phase: 'start',
    state: 'done',
    message: `upgrade to ${plan.kernel.release ?? plan.kernel.image} of ${plan.workloads.join(', ')}`,
    data: {
      journalVersion: JOURNAL_VERSION,
      unit,
      node,
      agent: agentCopyPath(id),
      kernelBefore: release(),
      target: { release: plan.kernel.release, image: plan.kernel.image },
      workloads: plan.workloads,
      criuOptions: pre.criuOptions,
      warnings: pre.findings.filter((f) => f.severity === 'warn').map((f) => f.id),
      // What the admin was promised (the controller's estimate, with calibration and history);
      // without one (the agent driven alone), the agent's own from what it sees now.
      estimate: promised ?? estimate(plan, await readHostFacts(), listInventory({ details: 'none' }), null, []),
    },
  });
  const r = await sh(
    'systemd-run',
    [
      `--unit=${unit}`,
      '--collect',
      '--property=KillMode=process',
      '--property=TimeoutStopSec=30min',
      // If the run itself dies before the jump, this undoes it (recover.ts).
      `--property=ExecStopPost=${node} ${agentCopyPath(id)} --recover ${id}`,
      `--description=Seamless upgrade ${id}`,
      node,
      agentCopyPath(id),
      '--run-upgrade',
      id,
    ],
    { timeoutMs: 60_000 },
  );
  if (r.code !== 0) {
    if (existsSync('/run/systemd/system')) {
      const err = new SeamlessError('UPGRADE_START_FAILED', `systemd-run failed (exit ${r.code})`, { evidence: tailOf(r.stderr) });
      journal.write({
        phase: 'start',
        state: 'failed',
        message: 'systemd-run failed: not started, nothing was touched',
        error: err.toInfo(),
      });
      finish(journal, null);
      throw err;
    }
    // No systemd: a new session, stdio to a log file, not our child.
    const log = openSync(`${upgradeDir(id)}/run.log`, 'a');
    spawn(node, [agentCopyPath(id), '--run-upgrade', id], { detached: true, stdio: ['ignore', log, log] }).unref();
  }
  return { upgradeId: id, unit, journal: journalPath(id) };
}

export function upgradeJournal(id: string, since: number): { id: string; records: JournalRecord[]; summary: UpgradeSummary } {
  if (!existsSync(journalPath(id))) throw new SeamlessError('UPGRADE_NOT_FOUND', `No upgrade ${id} on this host`);
  const all = readJournal(journalPath(id));
  return { id, records: all.filter((r) => r.seq > since), summary: summarize(id, all) };
}

/** preflight.json's content as preflight answered it (the file adds only its version). */
const withoutVersion = ({ version: _version, ...result }: PreflightFile): PreflightResult => result;

/** plan.json, preflight.json and report.json of an upgrade, each validated; null when absent. */
export function upgradeFiles(id: string): { plan: Plan | null; preflight: PreflightResult | null; report: UpgradeReport | null } {
  if (!existsSync(journalPath(id))) throw new SeamlessError('UPGRADE_NOT_FOUND', `No upgrade ${id} on this host`);
  const planText = readOptional(planPath(id));
  const parsedPlan = planText === null ? null : parsePlan(planText);
  const preflight = existsSync(preflightPath(id)) ? readUpgradeFile('preflight.json', preflightPath(id)) : null;
  const reportText = readOptional(reportPath(id));
  let report: UpgradeReport | null = null;
  if (reportText !== null) {
    let json: unknown = null;
    try {
      json = JSON.parse(reportText);
    } catch {
      // reported below as not matching the schema
    }
    const parsed = upgradeReportSchema.safeParse(json);
    if (!parsed.success)
      throw new SeamlessError('UPGRADE_FILE_INVALID', `${reportPath(id)}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    report = parsed.data;
  }
  if (parsedPlan && !parsedPlan.ok) throw new SeamlessError('UPGRADE_FILE_INVALID', `${planPath(id)}: ${parsedPlan.message}`);
  return {
    plan: parsedPlan?.ok ? parsedPlan.plan : null,
    preflight: preflight ? withoutVersion(preflight) : null,
    report,
  };
}
