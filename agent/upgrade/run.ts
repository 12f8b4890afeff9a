// Why: the upgrade before the kexec, run detached from any SSH session (`--run-upgrade <id>`,
// started by upgrade.start as its own systemd unit). It calls the phases in the order of the
// design's table: the selection again (preflight ran at start: preflight.json), prepare, stage,
// pre-dump, pre-sync, checkpoint; then the services are held and the jump is made. Any failure
// before the jump aborts (fallback.ts): the workloads keep running, a dumped one is restored
// in place, the kernel is unloaded.
import { parsePlan, type Plan } from '../../shared/plan/plan';
import type { PreflightFile } from '../../shared/domain/upgradeFiles';
import { SeamlessError, toErrorInfo } from '../../shared/errors';
import { readText } from '../fs/readOptional';
import { beforeFreeze, checkpoint, holdRestarts, preSync } from './checkpoint';
import { abortBeforeJump } from './fallback';
import { Journal } from './journal';
import { jump } from './jump';
import { planPath, preflightPath, STORE_MOUNT } from './paths';
import { prepare } from './prepare';
import { finish } from './report';
import { preDump } from './preDump';
import { initialState, select } from './select';
import { stage } from './stage';
import { readUpgradeFile, saveState, statePaths, writeDurable, type WorkloadState } from './state';
import { mountStore } from './store';
import { containerHoldDropIn, containerHoldUnits, holdDropIn, holdDropInPath } from './units';

/** plan.json, validated; UPGRADE_FILE_INVALID names the file and the field. */
function readPlan(id: string): Plan {
  const parsed = parsePlan(readText(planPath(id)));
  if (!parsed.ok)
    throw new SeamlessError('UPGRADE_FILE_INVALID', `${planPath(id)}: ${parsed.message}`, { details: { file: planPath(id) } });
  return parsed.plan;
}

/** Everything after the plan was accepted, up to the jump. */
export async function runUpgrade(id: string): Promise<number> {
  const journal = new Journal(id);
  let plan: Plan;
  let pre: PreflightFile;
  try {
    plan = readPlan(id);
    pre = readUpgradeFile('preflight.json', preflightPath(id));
  } catch (err) {
    const error = toErrorInfo(err);
    journal.write({ phase: 'preflight', state: 'failed', message: error.message, error });
    journal.write({
      phase: 'fallback',
      state: 'done',
      message: `aborted: ${error.message}; nothing was touched`,
      data: { aborted: true, cause: error.code, undo: [] },
      error,
    });
    finish(journal, null);
    return 1;
  }
  const state = initialState(id, plan);
  const at = { kernelStaged: false, frozen: false, dumped: [] as WorkloadState[], stopped: [] as WorkloadState[], killed: [] as number[] };
  try {
    await select(state, plan, pre, journal);
    await prepare(state, plan, journal);
    await stage(state, plan, journal);
    at.kernelStaged = true;
    await holdRestarts(state);
    const roundManifests = await preDump(state, plan, journal);
    await preSync(journal);
    const preManifests = await beforeFreeze(state, roundManifests);
    at.frozen = true;
    await checkpoint(state, journal, preManifests, at, plan.options.onDumpFailure);
  } catch (err) {
    return abortBeforeJump(state, journal, err, at);
  }

  // The point of no easy return: hold the services for the restore boot, then jump. The holds
  // are for the next boot's systemd, which reads them fresh: no reload here, under the freeze
  // (it cost the lab's blackout 3.5 s). The held services are down already, Restart=no.
  try {
    for (const unit of state.heldUnits) writeDurable(holdDropInPath(unit), holdDropIn(state.node, state.agent, id, unit));
    for (const unit of containerHoldUnits(state))
      writeDurable(holdDropInPath(unit), containerHoldDropIn(state.node, state.agent, id, unit));
    state.kexecAtMs = Date.now();
    saveState(statePaths(state), state);
    await jump(state, journal, {
      target: { release: plan.kernel.release, image: plan.kernel.image },
      mode: state.kexecMode,
      back: false,
      message: `${state.kexecMode === 'direct' ? 'kexec -e' : 'systemctl kexec'} into ${plan.kernel.release ?? plan.kernel.image}`,
    });
    return 0; // systemctl kexec: systemd stops this unit on its way down
  } catch (err) {
    journal.write({ phase: 'kexec', state: 'failed', message: toErrorInfo(err).message, error: toErrorInfo(err) });
    if (state.store.kind === 'pmem') await mountStore(state.store.device, STORE_MOUNT).catch(() => undefined);
    return abortBeforeJump(state, journal, err, at);
  }
}
