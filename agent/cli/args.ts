// Why: the agent's command line, parsed in one place into one typed command, so that every
// mistake (an unknown flag, a missing --plan, a run id that is not one) is a usage error (exit 2)
// before anything reads the host, and the commands never look at argv themselves.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { upgradeIdSchema } from '../../shared/domain/upgrade';
import { isAgentCommand, UsageError, type AgentCommandName } from './usage';

export type AgentCommand =
  | { command: 'help'; topic: AgentCommandName | null }
  | { command: 'version' }
  | { command: 'preflight'; plan: string; json: boolean }
  | { command: 'dry-run'; plan: string; json: boolean; trialDump: boolean }
  | { command: 'upgrade'; plan: string; json: boolean; wait: boolean }
  | { command: 'resolve'; plan: string; json: boolean; out: string | null }
  | { command: 'status'; run: string | null; json: boolean }
  | { command: 'report'; run: string | null; out: string | null };

const PLAN_HINT = 'Say which plan: --plan FILE (a plan or a template, as `seamless plan` or the app writes it)';

function planOf(value: string | undefined): string {
  if (value === undefined || value === '') throw new UsageError(PLAN_HINT);
  return value;
}

function runOf(value: string | undefined): string | null {
  if (value === undefined) return null;
  // It becomes a path under /var/lib/seamless/upgrades: only an id's own characters.
  if (!upgradeIdSchema.safeParse(value).success)
    throw new UsageError(`--run takes a run id as \`upgrade\` and \`status\` print it (u-20261204t195500-3f9a), not "${value}"`);
  return value;
}

function parsed(args: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (err) {
    // node:util's ERR_PARSE_ARGS_* (unknown option, missing value, stray argument).
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** argv after the program (process.argv.slice(2)) → the command; a UsageError for anything else. */
export function parseAgentArgs(argv: readonly string[]): AgentCommand {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('Say which command: resolve, preflight, dry-run, upgrade, status or report.');
  if (first === '--help' || first === '-h' || first === 'help') return { command: 'help', topic: isAgentCommand(rest[0]) ? rest[0] : null };
  if (first === '--version' || first === 'version') return { command: 'version' };
  if (!isAgentCommand(first)) throw new UsageError(`Unknown command "${first}".`);
  if (rest.includes('--help') || rest.includes('-h')) return { command: 'help', topic: first };
  const json = { type: 'boolean' } as const;
  switch (first) {
    case 'preflight': {
      const v = parsed(rest, { plan: { type: 'string' }, json });
      return { command: 'preflight', plan: planOf(str(v.plan)), json: v.json === true };
    }
    case 'dry-run': {
      const v = parsed(rest, { plan: { type: 'string' }, 'trial-dump': { type: 'boolean' }, json });
      return { command: 'dry-run', plan: planOf(str(v.plan)), json: v.json === true, trialDump: v['trial-dump'] === true };
    }
    case 'upgrade': {
      const v = parsed(rest, { plan: { type: 'string' }, wait: { type: 'boolean' }, json });
      return { command: 'upgrade', plan: planOf(str(v.plan)), json: v.json === true, wait: v.wait === true };
    }
    case 'resolve': {
      const v = parsed(rest, { plan: { type: 'string' }, out: { type: 'string' }, json });
      const out = str(v.out);
      if (out === '') throw new UsageError('--out takes a file name');
      return { command: 'resolve', plan: planOf(str(v.plan)), json: v.json === true, out: out ?? null };
    }
    case 'status': {
      const v = parsed(rest, { run: { type: 'string' }, json });
      return { command: 'status', run: runOf(str(v.run)), json: v.json === true };
    }
    case 'report': {
      const v = parsed(rest, { run: { type: 'string' }, out: { type: 'string' } });
      const out = str(v.out);
      if (out === '') throw new UsageError('--out takes a file name');
      return { command: 'report', run: runOf(str(v.run)), out: out ?? null };
    }
  }
}
