// Why: preflight as the agent answers it, and as the upgrade's start and the dry run run it:
// the host's facts, the selection resolved, then the costly reads for the selected processes.
import { readHostFacts } from '../facts/hostFacts';
import { listInventory } from '../inventory/inventory';
import { gatherContext } from './gather';
import { judge } from './preflight';
import { resolveSelection } from '../../shared/plan/resolveSelection';
import type { Plan } from '../../shared/plan/plan';
import type { PreflightResult } from '../../shared/domain/findings';

export async function runPreflight(plan: Plan): Promise<PreflightResult> {
  const facts = await readHostFacts();
  // Two passes: a cheap one to resolve the selection, then the costly reads (namespaces,
  // PSS) for init and the selected processes only.
  const { found } = resolveSelection(plan.workloads, listInventory({ details: 'none' }));
  const inventory = listInventory({ details: 'none', detailPids: [1, ...found.flatMap((f) => f.workload.pids)] });
  return judge(await gatherContext(plan, facts, inventory));
}
