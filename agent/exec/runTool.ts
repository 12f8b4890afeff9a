// Why: the agent asks host tools (criu, kexec, systemctl, journalctl, fincore) for facts. Every
// such call is bounded in time and output, never goes through a shell, and distinguishes "not
// installed" from "ran and failed", so a finding can say which it was and show the tool's own
// words as evidence.
import { execFile } from 'node:child_process';

export type ToolResult = { installed: false } | { installed: true; code: number; stdout: string; stderr: string; timedOut: boolean };

export function runTool(cmd: string, args: string[], timeoutMs = 10_000): Promise<ToolResult> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' }, killSignal: 'SIGKILL' },
      (err, stdout, stderr) => {
        if (err && 'code' in err && err.code === 'ENOENT') return resolve({ installed: false });
        const timedOut = err !== null && 'killed' in err && err.killed === true;
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ installed: true, code, stdout, stderr, timedOut });
      },
    );
  });
}
