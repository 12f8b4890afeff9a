// Why: `seamless-agent dry-run --plan FILE`: the controller's `upgrade.dryRun` run here on the
// host: preflight, calibration and pre-dump rounds without downtime, everything written removed.
// A trial dump freezes the workloads briefly, so it runs only when the flag asks for it (the
// flag is the consent; the freeze is said first). Ctrl-C cancels it between workloads.
import { AGENT_EXIT, type AgentExitCode } from '../../../shared/exitCodes';
import { formatDuration } from '../../../shared/format';
import { formatMeasures } from '../../../shared/text/estimateText';
import { formatPreflight } from '../../../shared/text/preflightText';
import { dryRun } from '../../dryRun/dryRun';
import { readPlanFile } from '../planFile';

export async function dryRunCommand(opts: { plan: string; json: boolean; trialDump: boolean }): Promise<AgentExitCode> {
  const plan = await readPlanFile(opts.plan);
  process.stderr.write(
    `Dry run: preflight, calibration, pre-dump rounds${opts.trialDump ? ', and a trial dump (each workload frozen while CRIU copies it, then it runs on)' : ''}…\n`,
  );
  const cancel = new AbortController();
  const onInterrupt = () => cancel.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const m = await dryRun(plan, { trialDump: opts.trialDump, signal: cancel.signal });
    if (opts.json) process.stdout.write(`${JSON.stringify(m, null, 2)}\n`);
    else process.stdout.write(`${formatPreflight(m.preflight)}\n\n${formatMeasures(m)}\nDry run took ${formatDuration(m.durationMs)}.\n`);
    return m.preflight.canStart ? AGENT_EXIT.ok : AGENT_EXIT.refused;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}
