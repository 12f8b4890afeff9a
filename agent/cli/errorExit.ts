// Why: every failure of the agent's command line ends the same way: a stable code a script can
// branch on and a sentence an admin can act on (one JSON object on stdout with --json, words on
// stderr otherwise), and an exit code that says which kind of failure it was.
import { SeamlessError, toErrorInfo } from '../../shared/errors';
import { AGENT_EXIT, type AgentExitCode } from '../../shared/exitCodes';
import { UsageError } from './usage';

/** The exit code for anything a command threw. */
export function exitForError(err: unknown): AgentExitCode {
  if (err instanceof UsageError) return AGENT_EXIT.usage;
  if (!(err instanceof SeamlessError)) return AGENT_EXIT.internal;
  // Refused before anything changed: blocking findings, or a template this host cannot resolve.
  if (err.code === 'PREFLIGHT_BLOCKED' || err.code === 'PLAN_TEMPLATE_UNRESOLVED') return AGENT_EXIT.refused;
  if (err.code === 'REQUEST_CANCELLED') return AGENT_EXIT.interrupted;
  return AGENT_EXIT.problem;
}

const problemsOf = (details: unknown): unknown[] | undefined =>
  typeof details === 'object' && details !== null && 'problems' in details && Array.isArray(details.problems)
    ? details.problems
    : undefined;

/** What is printed for it: `{"error":{code,message,evidence}}` with --json, else lines for stderr. */
export function describeError(err: unknown, json: boolean): { stdout: string; stderr: string } {
  const info =
    err instanceof UsageError
      ? { code: 'USAGE', message: err.message, evidence: undefined }
      : err instanceof SeamlessError
        ? toErrorInfo(err)
        : {
            code: 'AGENT_INTERNAL',
            message: err instanceof Error ? err.message : String(err),
            evidence: err instanceof Error ? err.stack : undefined,
          };
  if (json) {
    const { code, message, evidence } = info;
    // An unresolved template's problems as data, for the orchestrator's failure message.
    const problems = err instanceof SeamlessError && err.code === 'PLAN_TEMPLATE_UNRESOLVED' ? problemsOf(err.details) : undefined;
    return {
      stdout: `${JSON.stringify({ error: { code, message, ...(evidence ? { evidence } : {}), ...(problems ? { problems } : {}) } })}\n`,
      stderr: '',
    };
  }
  const hint = err instanceof UsageError ? 'Run `seamless-agent --help` for the commands and their options.\n' : '';
  const evidence = info.evidence ? `evidence:\n${info.evidence.replace(/^/gm, '  ')}\n` : '';
  return { stdout: '', stderr: `seamless-agent: ${info.code}: ${info.message}\n${evidence}${hint}` };
}
