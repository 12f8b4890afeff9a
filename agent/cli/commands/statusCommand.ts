// Why: an orchestrator that started an upgrade (and lost the host to the kexec) asks here, once
// the host answers again, whether the run has ended and how: 75 while it has not (ask again),
// else the code of the outcome the host decided, read from the run's own journal.
import { summarize } from '../../../shared/domain/upgrade';
import { agentExitForOutcome, type AgentExitCode } from '../../../shared/exitCodes';
import { formatEnd, formatRecord } from '../../../shared/text/upgradeText';
import { readJournal } from '../../upgrade/journal';
import { journalPath } from '../../upgrade/paths';
import { findRun } from '../findRun';

export async function statusCommand(opts: { run: string | null; json: boolean }): Promise<AgentExitCode> {
  const id = findRun(opts.run);
  const summary = summarize(id, readJournal(journalPath(id)));
  const exitCode = agentExitForOutcome(summary.outcome);
  if (opts.json) process.stdout.write(`${JSON.stringify({ ...summary, exitCode }, null, 2)}\n`);
  else if (summary.state === 'ended') process.stdout.write(`${formatEnd(id, summary)}\n`);
  else
    process.stdout.write(
      `Upgrade ${id} has not ended yet (${summary.records} journal records).\n${summary.last ? `last: ${formatRecord(summary.last, 'the run goes on there; ask again once the host answers.')}\n` : ''}Ask again later: seamless-agent status --run ${id}\n`,
    );
  return exitCode;
}
