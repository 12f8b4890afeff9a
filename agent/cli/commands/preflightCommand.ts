// Why: `seamless-agent preflight --plan FILE`: the very preflight the controller's
// `preflight.run` answers, run here on the host, read-only. 0 when nothing blocks, 3 when a
// finding does; the findings readable, or the whole answer as one JSON document.
import { AGENT_EXIT, type AgentExitCode } from '../../../shared/exitCodes';
import { formatPreflight } from '../../../shared/text/preflightText';
import { runPreflight } from '../../preflight/runPreflight';
import { readPlanFile } from '../planFile';

export async function preflightCommand(opts: { plan: string; json: boolean }): Promise<AgentExitCode> {
  const plan = await readPlanFile(opts.plan);
  const result = await runPreflight(plan);
  process.stdout.write(opts.json ? `${JSON.stringify(result, null, 2)}\n` : `${formatPreflight(result)}\n`);
  return result.canStart ? AGENT_EXIT.ok : AGENT_EXIT.refused;
}
