// The real agent bundle, started the way the controller starts it, over the real protocol.
import { mkdtempSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadAgentBundle } from '../../electron/controller/agentBundle';
import { fakeBundle } from '../helpers/fakeAgent';
import { localAgentProgram, startLocalAgent } from '../../electron/controller/localAgent';
import { loadAgentExecutable } from '../../electron/controller/ssh/agentExecutableManifest';
import { PROTOCOL_VERSION } from '../../shared/protocol';

describe('local agent (built bundle)', () => {
  it('is one self-contained file with a manifest that matches it', () => {
    const bundle = loadAgentBundle();
    expect(bundle.file).toMatch(/^seamless-agent-[0-9a-f]{12}\.cjs$/);
    expect(bundle.file.slice(15, 27)).toBe(bundle.sha256.slice(0, 12));
  });

  it('greets with its own build hash and reads /proc', async () => {
    const bundle = loadAgentBundle();
    const agent = await startLocalAgent(bundle, 'test');
    try {
      const hello = await agent.connection.call('hello', { protocolVersion: PROTOCOL_VERSION, controller: 'test' });
      expect(hello.buildHash).toBe(bundle.sha256);
      const facts = await agent.connection.call('host.facts', {});
      expect(facts.kernel.release).toBe(os.release());
      expect(facts.memory.totalBytes).toBe(os.totalmem());
    } finally {
      await agent.stop();
    }
  });

  it('runs with no node_modules next to it (copied alone to an empty directory)', async () => {
    const bundle = loadAgentBundle();
    const dir = mkdtempSync(join(tmpdir(), 'seamless-agent-alone-'));
    const copy = join(dir, bundle.file);
    writeFileSync(copy, (await import('node:fs')).readFileSync(bundle.path));
    const agent = await startLocalAgent({ ...bundle, path: copy }, 'test');
    try {
      expect((await agent.connection.call('host.facts', {})).hostname).toBe(os.hostname());
    } finally {
      await agent.stop();
    }
  });

  it('under Electron (whose fuses forbid running it as Node) this machine’s agent is the self-contained executable', async () => {
    const bundle = loadAgentBundle();
    const exe = loadAgentExecutable(undefined, bundle.sha256);
    expect(exe, 'npm run build makes the executable').not.toBeNull();
    const program = localAgentProgram(bundle, exe, '45.5.0');
    expect(program).toEqual({ command: exe!.path, args: [], sha256: exe!.sha256 });
    expect(() => localAgentProgram(bundle, null, '45.5.0')).toThrow(/self-contained executable/);
    expect(localAgentProgram(bundle, exe, undefined).command).toBe(process.execPath);
    const agent = await startLocalAgent(program, 'test');
    try {
      expect((await agent.connection.call('host.facts', {})).kernel.release).toBe(os.release());
    } finally {
      await agent.stop();
    }
  });

  it('reports an agent that is not the deployed build', async () => {
    const bundle = loadAgentBundle();
    await expect(startLocalAgent({ ...bundle, sha256: 'f'.repeat(64) }, 'test')).rejects.toMatchObject({ code: 'AGENT_BUILD_MISMATCH' });
  });

  it('turns an agent that prints garbage and dies into a clean error with its stderr', async () => {
    const bundle = fakeBundle(
      "process.stdout.write('Last login: yesterday\\n{broken\\n'); process.stderr.write('panic: cannot read /proc\\n'); process.exit(3);\n",
    );
    const err = await startLocalAgent(bundle, 'test').catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'AGENT_EXITED' });
    expect((err as { evidence?: string }).evidence).toContain('panic: cannot read /proc');
  });

  it('times out an agent that never answers', async () => {
    const bundle = fakeBundle('setInterval(() => {}, 1000);\n');
    // hello uses the default timeout; a shorter one is exercised by calling directly.
    const { AgentConnection } = await import('../../electron/controller/agentConnection');
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [bundle.path]);
    const conn = new AgentConnection({ input: child.stdout, output: child.stdin, log: child.stderr });
    await expect(conn.call('hello', { protocolVersion: PROTOCOL_VERSION, controller: 't' }, { timeoutMs: 300 })).rejects.toMatchObject({
      code: 'REQUEST_TIMEOUT',
    });
    child.kill('SIGKILL');
  });
});
