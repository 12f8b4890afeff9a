// Why: every failure that crosses a boundary (agent → controller → UI/CLI) must say the same
// thing everywhere: a stable code a program can branch on, a sentence a human can act on, and
// the evidence (the underlying tool's stderr tail). This file is the one list of those codes.
import * as z from './zod';

export const ERROR_CODES = [
  // protocol and transport
  'PROTOCOL_INVALID_MESSAGE',
  'PROTOCOL_VERSION_MISMATCH',
  'METHOD_NOT_FOUND',
  'INVALID_PARAMS',
  'INVALID_RESULT',
  'REQUEST_TIMEOUT',
  'REQUEST_CANCELLED',
  'AGENT_NOT_BUILT',
  'AGENT_START_FAILED',
  'AGENT_EXITED',
  'AGENT_BUILD_MISMATCH',
  'AGENT_INTERNAL',
  // reading the host
  'PROC_READ_FAILED',
  // hosts, plans and sessions
  'HOST_UNKNOWN',
  'PLAN_INVALID',
  'WORKLOAD_NOT_FOUND',
  'KERNEL_NOT_FOUND',
  /** A plan template that does not resolve on this host (a workload it does not run, no newer kernel): each problem named, nothing changed. */
  'PLAN_TEMPLATE_UNRESOLVED',
  'UNAUTHORIZED',
  // upgrade (reserved by the design; used by later work)
  'CRIU_DUMP_FAILED',
  'KEXEC_LOAD_DENIED',
  'STORE_TOO_SMALL',
  // SSH: connecting, trusting the host, logging in, becoming root, deploying the agent
  'SSH_TARGET_INVALID',
  'CONNECT_FAILED',
  'CONNECT_TIMEOUT',
  'CONNECTION_LOST',
  'HOST_KEY_CHANGED',
  'HOST_KEY_REVOKED',
  'HOST_KEY_REJECTED',
  'AUTH_FAILED',
  'SUDO_REQUIRED',
  'SUDO_PASSWORD_WRONG',
  'REMOTE_COMMAND_FAILED',
  'AGENT_NO_RUNTIME',
  'AGENT_DEPLOY_FAILED',
  // the upgrade run (agent/upgrade)
  'UPGRADE_NOT_FOUND',
  'UPGRADE_START_FAILED',
  'PREFLIGHT_BLOCKED',
  'STORE_PREPARE_FAILED',
  'KEXEC_PLACEMENT_OVERLAP',
  'PRE_DUMP_FAILED',
  'MANIFEST_MISMATCH',
  'LAZY_FILL_FAILED',
  'KEXEC_FAILED',
  'CRIU_RESTORE_FAILED',
  'SYSTEMD_HANDBACK_FAILED',
  /** The host booted without the restore of an unfinished upgrade (reset before the jump, or the new kernel failed). */
  'UPGRADE_INTERRUPTED',
  /** A file that crosses the kexec (plan, preflight, state, manifest) does not validate: the message names the file and the field. */
  'UPGRADE_FILE_INVALID',
  'REPORT_PDF_UNAVAILABLE',
  /** A fleet folder (the reports a playbook fetched) that cannot be read, or is not one. */
  'FLEET_DIR_UNREADABLE',
  /** A fleet folder in which no file is a Seamless report. */
  'FLEET_NO_REPORTS',
  /** A report could not be written where it was asked to go (the message says where, and why). */
  'REPORT_WRITE_FAILED',
  // hosts handed in by the launcher (the lab): starting and stopping them from the app
  /** The provider file or its command could be changed by another user: not run. */
  'HOST_PROVIDER_UNTRUSTED',
  'HOST_CONTROL_FAILED',
  'HOST_CONTROL_BUSY',
  /** Asked of a mode that cannot do it (a native dialog in the browser mode). */
  'NOT_IN_THIS_MODE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export const errorInfoSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  /** The tail of the underlying tool's output (stderr, log), when there is one. */
  evidence: z.optional(z.string()),
  details: z.optional(z.unknown()),
});
export type ErrorInfo = z.infer<typeof errorInfoSchema>;

/** An error as a value that can be thrown at an edge and serialised across any boundary. */
export class SeamlessError extends Error {
  readonly code: ErrorCode;
  readonly evidence: string | undefined;
  readonly details: unknown;

  constructor(code: ErrorCode, message: string, extra: { evidence?: string; details?: unknown } = {}) {
    super(message);
    this.name = 'SeamlessError';
    this.code = code;
    this.evidence = extra.evidence;
    this.details = extra.details;
  }

  toInfo(): ErrorInfo {
    const info: ErrorInfo = { code: this.code, message: this.message };
    if (this.evidence !== undefined) info.evidence = this.evidence;
    if (this.details !== undefined) info.details = this.details;
    return info;
  }

  static fromInfo(info: ErrorInfo): SeamlessError {
    return new SeamlessError(info.code, info.message, { evidence: info.evidence, details: info.details });
  }
}

/** Turns anything thrown into an ErrorInfo; unknown throwables become `fallback`. */
export function toErrorInfo(err: unknown, fallback: ErrorCode = 'AGENT_INTERNAL'): ErrorInfo {
  if (err instanceof SeamlessError) return err.toInfo();
  const message = err instanceof Error ? err.message : String(err);
  return { code: fallback, message };
}

/** Keeps the last `maxLines` lines of a tool's output: enough to act on, small enough to show. */
export function tailOf(text: string, maxLines = 20): string {
  const lines = text.split('\n');
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-maxLines).join('\n');
}
