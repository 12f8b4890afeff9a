// Why: `seamless-agent resolve --plan FILE`: what a template means on this host (the workloads by
// their exact names here, the kernel from /boot, the store), as the very plan preflight and the
// upgrade would act on; for the admin, and for a playbook's log before anything runs. Reads only.
import { AGENT_EXIT, type AgentExitCode } from '../../../shared/exitCodes';
import { writeDurable } from '../../upgrade/state';
import { readPlanFile } from '../planFile';

export async function resolveCommand(opts: { plan: string; out: string | null }): Promise<AgentExitCode> {
  const plan = await readPlanFile(opts.plan);
  const text = `${JSON.stringify(plan, null, 2)}\n`;
  if (opts.out === null) {
    process.stdout.write(text);
    return AGENT_EXIT.ok;
  }
  // Written whole or not at all, for root alone, and on disk before a playbook fetches it.
  writeDurable(opts.out, text);
  process.stderr.write(
    `Wrote the plan for ${plan.host} (${plan.workloads.join(', ')} → ${plan.kernel.release ?? plan.kernel.image}) to ${opts.out}\n`,
  );
  return AGENT_EXIT.ok;
}
