// Why: the table from protocol method to the code that answers it, kept apart from the stdio
// loop so that tests can run the agent's real handlers in-process.
import { PROTOCOL_VERSION } from '../shared/protocol';
import type { AgentHandlers } from './rpc/server';
import { readHostFacts } from './facts/hostFacts';
import { listInventory } from './inventory/inventory';
import { residencyOf } from './footprint/fileResidency';
import { gatherContext } from './preflight/gather';
import { judge } from './preflight/preflight';
import { AGENT_VERSION, ownBuildHash } from './identity';

export function createHandlers(): AgentHandlers {
  return {
    hello: async () => ({
      protocolVersion: PROTOCOL_VERSION,
      agentVersion: AGENT_VERSION,
      buildHash: ownBuildHash(),
      nodeVersion: process.versions.node,
      pid: process.pid,
      capabilities: ['host.facts', 'inventory.list', 'footprint.files', 'preflight.run'],
    }),
    'host.facts': async () => readHostFacts(),
    'inventory.list': async () => listInventory(),
    'footprint.files': async ({ pids }) => residencyOf(pids),
    'preflight.run': async ({ plan }) => {
      const [facts, inventory] = await Promise.all([readHostFacts(), Promise.resolve(listInventory())]);
      return judge(await gatherContext(plan, facts, inventory));
    },
  };
}
