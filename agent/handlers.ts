// Why: the table from protocol method to the code that answers it, kept apart from the stdio
// loop so that tests can run the agent's real handlers in-process.
import { PROTOCOL_VERSION } from '../shared/protocol';
import type { AgentHandlers } from './rpc/server';
import { readHostFacts } from './facts/hostFacts';
import { listInventoryJson } from './inventory/inventory';
import { residencyOf } from './footprint/fileResidency';
import { listContainers } from './containers/listContainers';
import { runPreflight } from './preflight/runPreflight';
import { dryRun } from './dryRun/dryRun';
import { AGENT_VERSION, ownBuildHash } from './identity';
import { startUpgrade, upgradeFiles, upgradeJournal } from './upgrade/start';
import { listUpgrades } from './upgrade/journal';
import { cleanupImages } from './upgrade/images';

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
    'containers.list': async () => listContainers(),
    'footprint.files': async ({ pids }, signal) => residencyOf(pids, '/proc', signal),
    'preflight.run': async ({ plan }) => runPreflight(plan),
    'upgrade.dryRun': async ({ plan, trialDump }, signal) => dryRun(plan, { trialDump, signal }),
    // Preflight runs here once per start; the run reads its answer from preflight.json.
    'upgrade.start': async ({ plan, estimate }) => startUpgrade(plan, runPreflight, estimate),
    'upgrade.journal': async ({ id, since }) => upgradeJournal(id, since),
    'upgrade.list': async () => listUpgrades(),
    'upgrade.files': async ({ id }) => upgradeFiles(id),
    'upgrade.cleanup': async ({ id }) => cleanupImages(id),
  };
}
