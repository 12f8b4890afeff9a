// Why: `seamless-agent upgrade --plan FILE` starts an upgrade exactly as the controller's
// `upgrade.start` does (startUpgrade: one start at a time, preflight once, its answer in
// preflight.json, the run detached as a systemd unit, the same journal), so whoever drives the
// agent gets the same run. The kexec ends every process of the old kernel, this one too, so the
// contract is: exit 0 as soon as the run is started and detached (its id printed), and ask
// `status --run ID` after the host is back. --wait follows the journal meanwhile (followRun.ts).
import type { PreflightResult } from '../../../shared/domain/findings';
import { AGENT_EXIT, agentExitForOutcome, type AgentExitCode } from '../../../shared/exitCodes';
import type { Plan } from '../../../shared/plan/plan';
import { formatPreflight } from '../../../shared/text/preflightText';
import { formatEnd } from '../../../shared/text/upgradeText';
import { runPreflight } from '../../preflight/runPreflight';
import { startUpgrade } from '../../upgrade/start';
import { followRun, jumpingLine } from '../followRun';
import { readPlanFile } from '../planFile';

const line = (v: unknown) => process.stdout.write(`${JSON.stringify(v)}\n`);

export async function upgradeCommand(opts: { plan: string; json: boolean; wait: boolean }): Promise<AgentExitCode> {
  const plan = await readPlanFile(opts.plan);
  // The preflight the start runs (once), shown as it answered; a blocking finding makes the
  // start throw PREFLIGHT_BLOCKED (exit 3) before anything is written.
  const shown = async (p: Plan): Promise<PreflightResult> => {
    const result = await runPreflight(p);
    if (opts.json) line({ event: 'preflight', result });
    else process.stdout.write(`${formatPreflight(result)}\n\n`);
    return result;
  };
  const started = await startUpgrade(plan, shown);
  const { upgradeId: id, unit, journal } = started;
  if (opts.json) line({ event: 'started', id, unit, journal });
  else
    process.stdout.write(
      `Upgrade ${id} started: it runs by itself as ${unit}, journaled in ${journal}.\n` +
        (opts.wait ? '\n' : `Follow it: journalctl -fu ${unit}; how it ended, once the host is back: seamless-agent status --run ${id}\n`),
    );
  if (!opts.wait) return AGENT_EXIT.ok;

  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const end = await followRun(id, journal, { json: opts.json, tty: process.stdout.isTTY === true && !opts.json, signal: stop.signal });
    if (end.kind === 'interrupted') {
      process.stderr.write(`Stopped following. Upgrade ${id} goes on by itself; ask: seamless-agent status --run ${id}\n`);
      return AGENT_EXIT.interrupted;
    }
    if (end.kind === 'jumping') {
      if (!opts.json) process.stdout.write(`${jumpingLine(id, end.target)}\n`);
      return AGENT_EXIT.running;
    }
    const code = agentExitForOutcome(end.summary.outcome);
    if (opts.json) line({ event: 'summary', id, summary: end.summary, outcome: end.summary.outcome, exitCode: code });
    else process.stdout.write(`\n${formatEnd(id, end.summary)}\n`);
    return code;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
