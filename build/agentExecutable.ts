// Why: some targets have no Node.js 18+, and installing one on a production host just to plan
// an upgrade is a lot to ask. For x86-64 Linux with glibc (most servers), the agent is also
// built as one self-contained executable: this machine's own Node runtime with the agent bundle
// injected as a Single Executable Application (Node 20: `--experimental-sea-config` + postject).
// build/build.ts calls buildAgentExecutable() after bundling the agent; deploy finds the result
// through electron/controller/ssh/agentExecutableManifest.ts. Build-only: the app never injects.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAgentBundle } from '../electron/controller/agentBundle';
import { distDir } from '../electron/controller/distPaths';
import { AGENT_EXECUTABLE_MANIFEST, type AgentExecutableManifest } from '../electron/controller/ssh/agentExecutableManifest';

/** The fuse string Node's SEA support looks for (node/src/node_sea.cc); postject flips it. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const postjectCli = () => createRequire(__filename).resolve('postject/dist/cli.js');

function localGlibc(): string | null {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime ?? null;
}

/**
 * Builds dist/agent/seamless-agent-<hash12> from the agent bundle in `agentDir` and the Node
 * runtime running this (must be plain Node, not Electron). Returns null, with the reason, when
 * this machine cannot build it (not x86-64 Linux glibc, or a Node without the SEA fuse).
 */
export async function buildAgentExecutable(
  agentDir: string = join(distDir(), 'agent'),
  nodePath: string = process.execPath,
): Promise<{ manifest: AgentExecutableManifest; path: string } | { manifest: null; reason: string }> {
  if (process.platform !== 'linux' || process.arch !== 'x64' || localGlibc() === null) {
    return {
      manifest: null,
      reason: `the build machine is ${process.platform}-${process.arch}; the executable is built on x86-64 Linux with glibc`,
    };
  }
  if (process.versions.electron) return { manifest: null, reason: 'running under Electron; build with plain Node' };
  const runtime = readFileSync(nodePath);
  if (!runtime.includes(SEA_FUSE)) return { manifest: null, reason: `${nodePath} has no SEA fuse (not an official Node build?)` };
  const bundle = loadAgentBundle(agentDir);
  const work = mkdtempSync(join(tmpdir(), 'seamless-sea-'));
  try {
    const blob = join(work, 'agent.blob');
    const seaConfig = join(work, 'sea-config.json');
    writeFileSync(seaConfig, JSON.stringify({ main: bundle.path, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false }));
    execFileSync(nodePath, ['--experimental-sea-config', seaConfig], {
      stdio: 'ignore',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const exe = join(work, 'seamless-agent');
    copyFileSync(nodePath, exe);
    chmodSync(exe, 0o755);
    try {
      // Symbols and debug info are ~13 MB of the runtime; drop them when binutils is there.
      execFileSync('strip', ['--strip-all', exe], { stdio: 'ignore' });
    } catch {
      // no strip: a larger file, same behaviour
    }
    // postject's LIEF prints a dozen "Can't find string offset for section name" warnings for
    // Node's own binary on every build; they are harmless. Its output is kept, and shown only
    // when the injection fails.
    try {
      execFileSync(nodePath, [postjectCli(), exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      });
    } catch (err) {
      const e = err as { stderr?: Buffer; stdout?: Buffer; message: string };
      throw new Error(`postject failed to inject the agent: ${e.message}\n${String(e.stdout ?? '')}${String(e.stderr ?? '')}`.trim());
    }
    const data = readFileSync(exe);
    const sha256 = createHash('sha256').update(data).digest('hex');
    const file = `seamless-agent-${sha256.slice(0, 12)}`;
    const out = join(agentDir, file);
    copyFileSync(exe, out);
    chmodSync(out, 0o755);
    const manifest: AgentExecutableManifest = {
      file,
      sha256,
      bytes: data.byteLength,
      bundleSha256: bundle.sha256,
      nodeVersion: process.versions.node,
      platform: 'linux-x64-glibc',
      minGlibc: '2.28',
    };
    writeFileSync(join(agentDir, AGENT_EXECUTABLE_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    return { manifest, path: out };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
