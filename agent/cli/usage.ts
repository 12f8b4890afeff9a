// Why: the agent run on its own on a host (by an admin, or an orchestrator such as an exported
// Ansible playbook) must say how it is used and what each exit code means without the desktop
// or the `seamless` CLI at hand. Each command's usage is written once here; `seamless-agent
// --help` prints all of them with the exit codes, `seamless-agent CMD --help` one.
import { AGENT_EXIT_TABLE } from '../../shared/exitCodes';

/** A mistake on the command line (exit 2), told apart from a problem of the host or the plan. */
export class UsageError extends Error {}

export const AGENT_COMMAND_USAGE = {
  resolve: `seamless-agent resolve --plan FILE [--out FILE] [--json]
  The plan a template means on this host (its hostname, the workloads by their names here,
  the newest or named kernel from /boot, the store), printed as JSON or written to --out
  (0600); a plan is printed as it is. Reads only. Exits 0, or 3 when the template does not
  resolve here (PLAN_TEMPLATE_UNRESOLVED: every problem named).`,
  preflight: `seamless-agent preflight --plan FILE [--json]
  Every reason the plan could fail on this host (the same checks the app and \`seamless
  preflight\` run); changes nothing. Exits 0 when nothing blocks, 3 when a finding blocks.`,
  'dry-run': `seamless-agent dry-run --plan FILE [--trial-dump] [--json]
  Rehearses the plan without downtime: preflight, calibration, two pre-dump rounds per
  workload; --trial-dump also freezes each workload briefly to time the real dump (the flag is
  the consent). Everything written is removed; nothing is staged or kexeced. Exits 0 or 3.`,
  upgrade: `seamless-agent upgrade --plan FILE [--wait] [--json]
  Preflight (3 when a finding blocks: nothing is written), then starts the upgrade as the app
  does: detached, as the systemd unit seamless-upgrade-ID.service, journaled in
  /var/lib/seamless/upgrades/ID/journal.jsonl. Prints the run id and exits 0 once it runs.
  --wait follows the journal: an upgrade that ends before the jump exits with its outcome's
  code; at the kexec it exits 75 if it sees the jump in time, or dies with the old kernel.
  Either way, once the host answers again: seamless-agent status --run ID.`,
  status: `seamless-agent status [--run ID] [--json]
  Where a run stands (default: the newest): 75 while it has not ended, else its outcome's code
  (0 restored, 4 aborted, 5 rolled-back, 6 failed or lost, 7 cold-started, 8 restored-unmanaged).`,
  report: `seamless-agent report [--run ID] [--out FILE]
  The report of a run that has ended (default: the newest) as JSON, the app's Report model:
  every phase promised beside measured, workloads before and after, outcome, evidence. Written
  to FILE (0600), or to stdout. Exits 75 while the run has not ended.`,
} as const;
export type AgentCommandName = keyof typeof AGENT_COMMAND_USAGE;
export const isAgentCommand = (c: string | undefined): c is AgentCommandName =>
  c !== undefined && Object.prototype.hasOwnProperty.call(AGENT_COMMAND_USAGE, c);

const NOTES = `Run as root on the host itself. FILE is a plan as \`seamless plan\` or the app writes it
(version 1), or a template (\`seamless plan --template\`, kind "plan-template") that is first
resolved on this host (3 when it does not resolve); validated before anything runs. With
--json, output is JSON and an error is one object on stdout: {"error":{"code","message",
"evidence"}} (an unresolved template adds "problems"). Without a command the agent speaks the
controller's JSON-lines protocol on stdin/stdout.`;

export const AGENT_EXIT_CODES_HELP = `Exit codes:\n${AGENT_EXIT_TABLE.map(({ code, meaning }) => `  ${String(code).padEnd(4)} ${meaning}`).join('\n')}\n`;

/** One command's usage, as `seamless-agent CMD --help` prints it. */
export const agentCommandUsage = (command: AgentCommandName): string =>
  `Usage: ${AGENT_COMMAND_USAGE[command]}\n\n${NOTES}\n\n${AGENT_EXIT_CODES_HELP}`;

export const AGENT_USAGE = `Usage:
${Object.values(AGENT_COMMAND_USAGE)
  .map((u) => `  ${u.replace(/\n/g, '\n  ')}`)
  .join('\n')}
  seamless-agent --version
  seamless-agent CMD --help            One command's usage

${NOTES}

${AGENT_EXIT_CODES_HELP}`;
