// Why: the table from protocol method to the code that answers it, kept apart from the stdio
// loop so that tests can run the agent's real handlers in-process.
import { PROTOCOL_VERSION } from '../shared/protocol';
import type { AgentHandlers } from './rpc/server';
import { readHostFacts } from './facts/hostFacts';
import { listInventory, listInventoryJson } from './inventory/inventory';
import { residencyOf } from './footprint/fileResidency';
import { gatherContext } from './preflight/gather';
import { judge } from './preflight/preflight';
import { resolveSelection } from '../shared/plan/resolveSelection';
import { AGENT_VERSION, ownBuildHash } from './identity';
import type { Plan } from '../shared/plan/plan';
import type { PreflightResult } from '../shared/domain/findings';
import { startUpgrade, upgradeJournal } from './upgrade/start';
import { listUpgrades } from './upgrade/journal';

export async function runPreflight(plan: Plan): Promise<PreflightResult> {
  const facts = await readHostFacts();
  // Two passes: a cheap one to resolve the selection, then the costly reads (namespaces,
  // PSS) for init and the selected processes only.
  const { found } = resolveSelection(plan.workloads, listInventory({ details: 'none' }));
  const inventory = listInventory({ details: 'none', detailPids: [1, ...found.flatMap((f) => f.workload.pids)] });
  return judge(await gatherContext(plan, facts, inventory));
}

export function createHandlers(): AgentHandlers {
  return {
    hello: async () => ({
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: AGENT_VERSION,
      buildHash: ownBuildHash(),
      nodeVersion: process.versions.node,
      pid: process.pid,
    }),
    'host.facts': async () => readHostFacts(),
    'inventory.list': async ({ details, detailPids }) => listInventoryJson({ details, detailPids }),
    'footprint.files': async ({ pids }, signal) => residencyOf(pids, '/proc', signal),
    'preflight.run': async ({ plan }) => runPreflight(plan),
    // Preflight runs here once per start; the run reads its answer from preflight.json.
    'upgrade.start': async ({ plan }) => startUpgrade(plan, runPreflight),
    'upgrade.journal': async ({ id, since }) => upgradeJournal(id, since),
    'upgrade.list': async () => listUpgrades(),
  };
}
