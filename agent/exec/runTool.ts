// Why: host facts and preflight ask tools for facts and must tell "not installed" from "ran and
// failed"; this is that view of the one tool runner (sh.ts).
import { sh } from './sh';

export type ToolResult = { installed: false } | { installed: true; code: number; stdout: string; stderr: string; timedOut: boolean };

export async function runTool(cmd: string, args: string[], timeoutMs = 10_000): Promise<ToolResult> {
  const r = await sh(cmd, args, { timeoutMs, limitBytes: 16 * 1024 * 1024 });
  return r.missing ? { installed: false } : { installed: true, code: r.code, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut };
}
