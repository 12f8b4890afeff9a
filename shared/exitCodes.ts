// Why: scripts and orchestrators branch on exit codes, so every code the two command-line
// programs return is named here once: the `seamless` CLI on the admin's machine and the agent
// run on its own on a host (`seamless-agent preflight|dry-run|upgrade|status|report`), which an
// orchestrator such as an exported Ansible playbook drives. They share the meaning of each code;
// the agent says in addition WHICH fallback ran (the CLI's 5 covers all three), and that a run
// has not ended yet (75, sysexits' EX_TEMPFAIL: ask again later).
import type { Outcome } from './domain/journal';

/** The `seamless` CLI's codes (its outcomes: only `restored` is 0, every fallback is 5). */
export const EXIT = {
  ok: 0,
  /** The host or the plan has a problem (the message says what to do), or the watch was lost. */
  problem: 1,
  usage: 2,
  /** Preflight refused the plan: blocking findings (nothing was changed). */
  refused: 3,
  /** The upgrade stopped before the jump; nothing was kexeced, the workloads kept running. */
  aborted: 4,
  /** A fallback ran: the workloads run, but not as planned (rolled back, started cold, or unmanaged). */
  fallback: 5,
  /** The upgrade stopped where no fallback applied: check the workloads on the host. */
  failed: 6,
  /** A bug in Seamless itself. */
  internal: 70,
  /** Ctrl-C: this command stopped watching; the upgrade goes on on the host. */
  interrupted: 130,
} as const;

/** The agent's codes on its own: the CLI's, with one code per fallback and one for "not ended yet". */
export const AGENT_EXIT = {
  ok: EXIT.ok,
  problem: EXIT.problem,
  usage: EXIT.usage,
  refused: EXIT.refused,
  aborted: EXIT.aborted,
  /** Everything was restored on the old kernel (after a jump back, or a reset / a new kernel that did not boot). */
  rolledBack: 5,
  /** Failed where no fallback applied, or a workload that is not a service is gone. */
  failed: EXIT.failed,
  /** A workload was not restored; its service was started cold (its memory is lost, its images kept). */
  coldStarted: 7,
  /** Every workload runs on the new kernel, but systemd did not take a service back. */
  restoredUnmanaged: 8,
  internal: EXIT.internal,
  /** The run has not ended yet (EX_TEMPFAIL): ask `status` again later. */
  running: 75,
  interrupted: EXIT.interrupted,
} as const;
export type AgentExitCode = (typeof AGENT_EXIT)[keyof typeof AGENT_EXIT];

const AGENT_BY_OUTCOME: Record<Outcome, AgentExitCode> = {
  restored: AGENT_EXIT.ok,
  'rolled-back': AGENT_EXIT.rolledBack,
  'cold-started': AGENT_EXIT.coldStarted,
  'restored-unmanaged': AGENT_EXIT.restoredUnmanaged,
  // A workload is gone: the host needs the admin, as after a failure.
  lost: AGENT_EXIT.failed,
  aborted: AGENT_EXIT.aborted,
  failed: AGENT_EXIT.failed,
};

/** The agent's exit code for a run: its outcome, or null while it has not ended (75). */
export const agentExitForOutcome = (outcome: Outcome | null): AgentExitCode =>
  outcome === null ? AGENT_EXIT.running : AGENT_BY_OUTCOME[outcome];

/** Every code the agent returns with its meaning, in order: `seamless-agent --help` and the README print this table. */
export const AGENT_EXIT_TABLE: readonly { code: AgentExitCode; meaning: string }[] = [
  { code: 0, meaning: 'ok: preflight passed, the run started, the report was written; status: outcome restored' },
  { code: 1, meaning: 'a problem with the plan, the host or the run asked for (the message and its code say what); workloads untouched' },
  { code: 2, meaning: 'usage mistake' },
  { code: 3, meaning: 'preflight refused the plan (blocking findings; nothing was changed)' },
  { code: 4, meaning: 'outcome aborted: stopped before the jump, nothing kexeced, the workloads kept running' },
  { code: 5, meaning: 'outcome rolled-back: every workload restored on the old kernel' },
  { code: 6, meaning: 'outcome failed or lost: stopped where no fallback applied, or a workload is gone; check the host' },
  { code: 7, meaning: 'outcome cold-started: a workload was not restored, its service started cold (images kept)' },
  { code: 8, meaning: 'outcome restored-unmanaged: every workload runs on the new kernel, a service outside systemd' },
  { code: 70, meaning: 'internal error in Seamless (please report it)' },
  { code: 75, meaning: 'the run has not ended yet (still running, or the host is jumping): ask status again later' },
  { code: 130, meaning: 'interrupted (Ctrl-C) while following: the run goes on by itself' },
];
