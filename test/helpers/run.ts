// Test helper: run the real `seamless` CLI (bin/seamless.cjs → dist/cli.cjs) as a user would.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

export const projectRoot = join(__dirname, '../..');
export const seamlessBin = join(projectRoot, 'bin/seamless.cjs');

export function runSeamless(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runNode(seamlessBin, args, { env, stdin: 'pipe' });
}

/** Runs a script with this Node and resolves with its exit code and output (stdin: none, unless asked). */
export function runNode(
  script: string,
  args: string[],
  opts: { env?: NodeJS.ProcessEnv; uid?: number; gid?: number; stdin?: 'pipe' | 'ignore' } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { stdin = 'ignore', ...spawnOpts } = opts;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { ...spawnOpts, stdio: [stdin, 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `seamless serve` and resolves with its URL, token and a stop function. */
export async function startServe(env: NodeJS.ProcessEnv = process.env): Promise<{
  url: string;
  origin: string;
  token: string;
  port: number;
  child: ChildProcessWithoutNullStreams;
  stop: () => Promise<void>;
}> {
  const child = spawn(process.execPath, [seamlessBin, 'serve', '--port', '0'], { env });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL in 15 s: ${out}${err}`)), 15_000);
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token')!,
    port: Number(u.port),
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
