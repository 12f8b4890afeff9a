// Shared setup of the SSH integration tests: the built agent, a private host key store and
// agent store per test file, and session options that never ask a human.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAgentBundle } from '../../../electron/controller/agentBundle';
import { buildAgentExecutable } from '../../../build/agentExecutable';
import type { AgentExecutable } from '../../../electron/controller/ssh/agentExecutableManifest';
import type { AgentArtifacts } from '../../../electron/controller/ssh/deploy';
import { HostKeyStore } from '../../../electron/controller/ssh/hostKeyStore';
import type { SshSessionOptions } from '../../../electron/controller/ssh/session';
import type { SshTarget } from '../../../electron/controller/ssh/target';
import { sshAvailable, type TestSshd } from '../../helpers/sshd';

export const canRun = sshAvailable();

export function newHostKeys(): HostKeyStore {
  return new HostKeyStore({ configDir: mkdtempSync(join(tmpdir(), 'seamless-cfg-')), userKnownHostsPath: null });
}

export function targetOf(sshd: Pick<TestSshd, 'port'>, user: string, identityFiles: string[] = [], proxyJump: SshTarget[] = []): SshTarget {
  return { spec: `${user}@127.0.0.1:${sshd.port}`, alias: null, host: '127.0.0.1', port: sshd.port, user, identityFiles, proxyJump };
}

/** The agent bundle only (the executable is built on demand: it takes seconds and 90 MB). */
export function bundleOnly(): AgentArtifacts {
  return { bundle: loadAgentBundle(), executable: null };
}

let executable: Promise<AgentExecutable> | null = null;
/** Builds the self-contained executable into a private copy of dist/agent (once per file). */
export function withExecutable(): Promise<AgentArtifacts> {
  const bundle = loadAgentBundle();
  executable ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seamless-agent-exe-'));
    cpSync(bundle.path, join(dir, bundle.file));
    cpSync(join(bundle.path, '..', 'manifest.json'), join(dir, 'manifest.json'));
    const built = await buildAgentExecutable(dir);
    if (!built.manifest) throw new Error(`cannot build the agent executable: ${built.reason}`);
    return { ...built.manifest, path: built.path };
  })();
  return executable.then((e) => ({ bundle, executable: e }));
}

export function baseOptions(hostKeys: HostKeyStore, extra: Partial<SshSessionOptions> = {}): SshSessionOptions {
  return {
    hostKeys,
    artifacts: bundleOnly(),
    controllerName: 'ssh-test',
    agentSocket: null,
    confirmHostKey: async () => true,
    storeDir: mkdtempSync(join(tmpdir(), 'seamless-agent-store-')),
    readyTimeoutMs: 10_000,
    ...extra,
  };
}

/** sshd log lines that match, for counting authentication attempts. */
export function logLines(sshd: TestSshd, re: RegExp): string[] {
  return sshd
    .log()
    .split('\n')
    .filter((l) => re.test(l));
}

/** The uid that owns a local process (the test sshd runs on this machine). */
export function uidOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Uid:'))!;
  return Number(line.split(/\s+/)[1]);
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
