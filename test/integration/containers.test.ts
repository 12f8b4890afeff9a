// Why: `containers.list` asks the runtimes' own CLIs; on a host where a runtime is missing or its
// daemon is down (this machine: no podman, a docker CLI without dockerd) the admin must read
// which and what to do, and the answer must still validate. The containers themselves, their
// checkpoint and restore, are proven in the lab, where both runtimes run.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { loadAgentBundle } from '../../electron/controller/agentBundle';
import { startLocalAgent } from '../../electron/controller/localAgent';
import { PROTOCOL_VERSION } from '../../shared/protocol';

const answers = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  return r.error === undefined && r.status === 0;
};

describe('containers.list (real agent, real runtime CLIs)', () => {
  it('says per runtime whether it answers, and why not', async () => {
    const agent = await startLocalAgent(loadAgentBundle(), 'test');
    try {
      await agent.connection.call('hello', { protocolVersion: PROTOCOL_VERSION, controller: 'test' });
      const r = await agent.connection.call('containers.list', {});
      expect(r.runtimes.map((x) => x.runtime)).toEqual(['podman', 'docker']);
      for (const rt of r.runtimes) {
        const installed = answers(rt.runtime, ['--version']);
        const listing = installed && answers(rt.runtime, ['ps', '--all', '--quiet']);
        console.log(`[containers] ${rt.runtime}: ${rt.version ?? '-'}; ${rt.unavailable ?? 'answers'}`);
        if (!installed) expect(rt).toMatchObject({ version: null, unavailable: `${rt.runtime} is not installed` });
        else if (!listing)
          expect(rt.unavailable).toMatch(
            rt.runtime === 'docker' ? /^the docker daemon does not answer \(systemctl start docker\)/ : /does not answer/,
          );
        else expect(rt.unavailable).toBeNull();
        if (rt.unavailable) expect(r.containers.filter((c) => c.runtime === rt.runtime)).toEqual([]);
      }
    } finally {
      await agent.stop();
    }
  });
});
