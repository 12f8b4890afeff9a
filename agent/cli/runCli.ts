// Why: the agent on its own on a host, for an admin or an orchestrator (an exported Ansible
// playbook runs exactly these commands as root): `seamless-agent resolve|preflight|dry-run|
// upgrade|status|report`. It runs the very code the controller's requests run, writes the same journal,
// and exits with a code that says how it went (shared/exitCodes.ts). This file only dispatches.
import { AGENT_EXIT, type AgentExitCode } from '../../shared/exitCodes';
import { SeamlessError } from '../../shared/errors';
import { AGENT_VERSION } from '../identity';
import { parseAgentArgs, type AgentCommand } from './args';
import { describeError, exitForError } from './errorExit';
import { agentCommandUsage, AGENT_USAGE } from './usage';
import { preflightCommand } from './commands/preflightCommand';
import { dryRunCommand } from './commands/dryRunCommand';
import { upgradeCommand } from './commands/upgradeCommand';
import { statusCommand } from './commands/statusCommand';
import { reportCommand } from './commands/reportCommand';
import { resolveCommand } from './commands/resolveCommand';

/** Every command reads what only root may (/proc of every process, /var/lib/seamless) and may run CRIU and kexec. */
function requireRoot(uid: number | undefined = process.getuid?.()): void {
  if (uid !== 0)
    throw new SeamlessError(
      'UNAUTHORIZED',
      `seamless-agent runs as root (it reads every process and runs CRIU and kexec); this is uid ${uid ?? '?'}.`,
      { evidence: 'run it with sudo, or as root (an Ansible task with become: true)' },
    );
}

async function dispatch(c: AgentCommand): Promise<AgentExitCode> {
  if (c.command === 'help') {
    process.stdout.write(c.topic ? agentCommandUsage(c.topic) : AGENT_USAGE);
    return AGENT_EXIT.ok;
  }
  if (c.command === 'version') {
    process.stdout.write(`${AGENT_VERSION}\n`);
    return AGENT_EXIT.ok;
  }
  requireRoot();
  switch (c.command) {
    case 'resolve':
      return resolveCommand(c);
    case 'preflight':
      return preflightCommand(c);
    case 'dry-run':
      return dryRunCommand(c);
    case 'upgrade':
      return upgradeCommand(c);
    case 'status':
      return statusCommand(c);
    case 'report':
      return reportCommand(c);
  }
}

/** Runs the command argv names and resolves with its exit code; every failure is printed, never thrown. */
export async function runCli(argv: readonly string[]): Promise<AgentExitCode> {
  const json = argv.includes('--json');
  try {
    return await dispatch(parseAgentArgs(argv));
  } catch (err) {
    const said = describeError(err, json);
    if (said.stdout) process.stdout.write(said.stdout);
    if (said.stderr) process.stderr.write(said.stderr);
    return exitForError(err);
  }
}
