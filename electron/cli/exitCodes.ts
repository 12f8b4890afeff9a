// Why: a script that runs `seamless` branches on its exit code, so every code the CLI can
// return is named once (shared/exitCodes.ts, with the agent's own), printed in `--help`, and
// documented in the README. An upgrade's code follows the outcome the host decided
// (summary.outcome): only `restored` is 0.
import type { Outcome } from '../../shared/domain/journal';
import { EXIT } from '../../shared/exitCodes';

export { EXIT };

const BY_OUTCOME: Record<Outcome, number> = {
  restored: EXIT.ok,
  'restored-unmanaged': EXIT.fallback,
  'rolled-back': EXIT.fallback,
  'cold-started': EXIT.fallback,
  // A workload is gone: the host needs the admin, as after a failure.
  lost: EXIT.failed,
  aborted: EXIT.aborted,
  failed: EXIT.failed,
};

/** The exit code for how an upgrade ended; null (no outcome known) is a problem, never success. */
export const exitForOutcome = (outcome: Outcome | null): number => (outcome === null ? EXIT.problem : BY_OUTCOME[outcome]);

export const EXIT_CODES_HELP = `Exit codes:
  0    ok (upgrade, attach: every selected workload runs on the new kernel: outcome restored)
  1    the host or the plan has a problem (the message says what to do), or the watch was lost
  2    usage mistake
  3    preflight refused the plan (blocking findings; nothing was changed)
  4    upgrade aborted before the jump (nothing kexeced; the workloads kept running)
  5    a fallback ran (rolled-back, cold-started or restored-unmanaged): the workloads run, not as planned
  6    upgrade failed where no fallback applied, or a workload that is not a service was lost (check the host)
  70   internal error in Seamless (please report it)
  130  interrupted (Ctrl-C); an upgrade goes on on the host, \`seamless attach\` follows it again
`;
