// Why: a lab failure has to say what went wrong and what to do about it (which
// Debian package is missing, the tail of the serial log, the tool's own stderr),
// so errors are values with a stable code and evidence, thrown only at the edges.

export type LabErrorCode =
  | 'MISSING_TOOLS'
  | 'COMMAND_FAILED'
  | 'KERNEL_NOT_IN_MIRROR'
  | 'NO_MIRROR'
  | 'BUILD_LOCKED'
  | 'NOT_BUILT'
  | 'NOT_RUNNING'
  | 'QEMU_FAILED'
  | 'SSH_TIMEOUT'
  | 'BAD_ARGUMENT';

export class LabError extends Error {
  readonly code: LabErrorCode;
  readonly details: string | undefined;

  constructor(code: LabErrorCode, message: string, details?: string) {
    super(details ? `${message}\n${details}` : message);
    this.name = 'LabError';
    this.code = code;
    this.details = details;
  }
}

/** The last `lines` lines of a text, for error evidence. */
export function tail(text: string, lines = 30): string {
  const all = text.replace(/\s+$/, '').split('\n');
  return all.slice(-lines).join('\n');
}
