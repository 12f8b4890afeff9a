// Why: a remote login shell may print anything (a MOTD, a banner from ~/.bashrc, a "Last
// login"), and may not even be a POSIX shell (fish, csh). Every command Seamless runs is
// therefore handed to /bin/sh with safe quoting, and its answer is read only from between
// unique start/end markers, so shell noise can neither break nor forge the result.
import { randomBytes } from 'node:crypto';

/** Quotes one word for a POSIX shell (and for fish, csh and bash: single quotes mean the same there). */
export function shQuote(word: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface MarkedScript {
  /** The command line to send on an exec channel. */
  command: string;
  begin: string;
  end: string;
}

/** Wraps a POSIX sh script so its stdout is fenced by markers that only this call knows. */
export function markedScript(script: string): MarkedScript {
  const nonce = randomBytes(9).toString('hex');
  const begin = `__SEAMLESS_BEGIN_${nonce}__`;
  const end = `__SEAMLESS_END_${nonce}__`;
  // The script runs in a subshell so that `exit` or `set -e` in it still reaches the end marker.
  const body = `printf '%s\\n' '${begin}'\n(\n${script}\n)\nrc=$?\nprintf '\\n%s %s\\n' '${end}' "$rc"\n`;
  return { command: `/bin/sh -c ${shQuote(body)}`, begin, end };
}

/** The text between the markers and the script's exit status; null when the markers are missing. */
export function extractMarked(stdout: string, marks: Pick<MarkedScript, 'begin' | 'end'>): { body: string; status: number } | null {
  const start = stdout.indexOf(`${marks.begin}\n`);
  if (start < 0) return null;
  const from = start + marks.begin.length + 1;
  const endAt = stdout.indexOf(`\n${marks.end} `, from - 1);
  if (endAt < 0) return null;
  const statusText = /^(\d+)/.exec(stdout.slice(endAt + marks.end.length + 2));
  const body = stdout.slice(from, Math.max(from, endAt));
  return { body: body.endsWith('\n') ? body.slice(0, -1) : body, status: statusText ? Number(statusText[1]) : -1 };
}

/** `key=value` lines (the shape every probe script here prints). */
export function parseKeyValues(body: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of body.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) out.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return out;
}
