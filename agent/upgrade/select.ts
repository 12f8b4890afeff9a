// Why: phase "preflight" of the run, the selection again. Preflight itself ran once, at start
// (its answer is preflight.json); but the plan may be minutes old, so the workloads' PIDs and
// cgroups are resolved again now, and each gets the CRIU options preflight derived for it.
import { join } from 'node:path';
import { release } from 'node:os';
import { SeamlessError } from '../../shared/errors';
import type { Plan } from '../../shared/plan/plan';
import { unitOf } from '../../shared/plan/selector';
import { resolveSelection } from '../../shared/plan/resolveSelection';
import { STATE_FILE_VERSION, type PreflightFile } from '../../shared/domain/upgradeFiles';
import { listInventory } from '../inventory/inventory';
import { listContainers } from '../containers/listContainers';
import { checkpointLinkOf } from '../containers/runtimeCheckpoint';
import type { Containers } from '../../shared/domain/containers';
import type { ContainerState } from '../../shared/domain/upgradeFiles';
import type { Workload } from '../../shared/domain/inventory';
import type { Journal } from './journal';
import { STORE_MOUNT, agentCopyPath, safeName, storeDir } from './paths';
import type { RunState, WorkloadState } from './state';

/** The state the run starts from: the plan's store and options, no workloads yet. */
export function initialState(id: string, plan: Plan): RunState {
  return {
    version: STATE_FILE_VERSION,
    id,
    node: process.execPath,
    agent: agentCopyPath(id),
    kernelBefore: release(),
    store:
      plan.store.kind === 'pmem'
        ? { kind: 'pmem', device: plan.store.device, mount: STORE_MOUNT, dax: false }
        : { kind: 'dir', path: plan.store.path },
    storeDir: plan.store.kind === 'pmem' ? storeDir(id) : join(plan.store.path, id),
    workloads: [],
    netLock: null,
    heldUnits: [],
    freezeAtMs: null,
    dumpedAtMs: null,
    kexecAtMs: null,
    kexecMode: plan.options.kexecMode,
    onRestoreFailure: plan.options.onRestoreFailure,
  };
}

/** A selected container as its runtime knows it now; one the runtime cannot checkpoint was refused at preflight. */
function containerStateOf(id: string, selector: string, workload: Workload, found: Containers | null): ContainerState {
  const c = found?.containers.find((x) => x.id === workload.containerId && x.runtime === workload.runtime);
  if (!c || !c.stateDir)
    throw new SeamlessError(
      'PREFLIGHT_BLOCKED',
      `${selector}: ${workload.runtime ?? 'its runtime'} does not report container ${workload.containerId ?? '?'} any more (or not its directory): it can only be carried through podman or docker`,
    );
  return {
    runtime: c.runtime,
    id: c.id,
    name: c.name,
    restartPolicy: c.restartPolicy,
    checkpointLink: checkpointLinkOf(c.runtime, c.stateDir, id),
    appArmor: c.appArmorProfile ? { profile: c.appArmorProfile, saved: null } : null,
  };
}

export async function select(state: RunState, plan: Plan, pre: PreflightFile, journal: Journal): Promise<void> {
  const found = await journal.phase(
    'preflight',
    'resolve the selection again (preflight ran at start)',
    async () => {
      if (!pre.canStart) throw new SeamlessError('PREFLIGHT_BLOCKED', 'preflight has blocking findings');
      const { found, unresolved } = resolveSelection(plan.workloads, listInventory({ details: 'none' }));
      // A workload that exited since preflight has nothing to carry: said, and the rest goes on.
      for (const selector of unresolved)
        journal.write({
          phase: 'preflight',
          state: 'info',
          message: `${selector} no longer runs (it exited since preflight): nothing to carry`,
          data: { step: 'gone', selector },
        });
      if (found.length === 0) throw new SeamlessError('WORKLOAD_NOT_FOUND', `no selected workload runs any more: ${unresolved.join(', ')}`);
      return found;
    },
    (found, durationMs) => ({
      phase: 'preflight',
      state: 'done',
      message: `${found.length} workload(s) resolved`,
      durationMs,
      data: { workloads: found.map((f) => ({ selector: f.selector, rootPid: f.workload.rootPid, pids: f.workload.pids.length })) },
    }),
  );
  const containers = found.some((f) => f.workload.kind === 'container') ? await listContainers() : null;
  state.workloads = found.map(({ selector, workload }): WorkloadState => ({
    selector,
    kind: workload.kind,
    name: workload.name,
    // The unit as the inventory names it (a `unit:redis-server` selector finds redis-server.service).
    unit: workload.kind === 'service' && unitOf(selector) !== null ? unitOf(workload.id) : null,
    rootPid: workload.rootPid,
    pids: workload.pids,
    cgroup: workload.cgroup,
    dir: join(state.storeDir, safeName(selector), 'dump'),
    preDumpDirs: [],
    // Preflight derived the options (e.g. --shell-job for a tree that is not its own session).
    criuOptions: pre.criuOptions[selector] ?? [],
    estimatedBytes: workload.memory.anonBytes + workload.memory.shmemBytes,
    bytesDumped: 0,
    residency: [],
    container: workload.kind === 'container' ? containerStateOf(state.id, selector, workload, containers) : null,
    // A container's runtime restores it whole; a tree follows the plan.
    restoreMode: workload.kind === 'container' ? 'eager' : plan.options.restoreMode,
  }));
  state.heldUnits = state.workloads.flatMap((w) => (w.unit ? [w.unit] : []));
}
