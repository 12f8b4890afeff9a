// The exported playbook, run by the real Ansible (Debian's ansible-core and ansible-lint): the
// folder `seamless export ansible` writes passes `ansible-playbook --syntax-check` and
// `ansible-lint`; and the canary stops the rollout. A two-host inventory: the first host is this
// machine over a real sshd (its host key pinned in a known_hosts file, host-key checking on),
// where CRIU cannot run, so preflight blocks; the second is 127.0.0.1 on a port where a listener
// counts connections. The play must fail at the canary with a message naming that host and the
// blocking findings, exit non-zero, and never contact the second host. Without ansible-playbook,
// ansible-lint or sshd here, the tests say so and count as skipped, never as passed.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAgent } from '../../build/bundleAgent';
import { loadAgentBundle, type AgentBundle } from '../../electron/controller/agentBundle';
import { exportAnsible } from '../../electron/export/exportAnsible';
import { planSchema } from '../../shared/plan/plan';
import { projectRoot } from '../helpers/run';
import { ensureTestUsersAndKeys, freePort, sshAvailable, startSshd, type TestSshd } from '../helpers/sshd';

const has = (tool: string) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const haveAnsible = has('ansible-playbook');
const haveLint = has('ansible-lint');
const canCanary = haveAnsible && sshAvailable();
const UPGRADES = '/var/lib/seamless/upgrades';

let root: string;
let agent: AgentBundle;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd,
      env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0', NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** The SSH masters Ansible left for ControlPersist (processes this test started), by their control path. */
function stopSshMasters(controlDir: string): void {
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('ssh') && argv.some((a) => a.includes(controlDir))) process.kill(Number(pid), 'SIGTERM');
    } catch {
      // gone meanwhile
    }
  }
}

function writeTemplate(name: string, template: Record<string, unknown>): string {
  const file = join(root, name);
  writeFileSync(
    file,
    `${JSON.stringify({ version: 1, kind: 'plan-template', createdAt: new Date().toISOString(), ...template }, null, 2)}\n`,
  );
  return file;
}

beforeAll(async () => {
  root = mkdtempSync('/var/tmp/seamless-ansible-');
  chmodSync(root, 0o700);
  // The agent as it is now (dist/ may be older than its sources), shipped by the exporter like the app's.
  const built = join(root, 'agent-build');
  await bundleAgent(projectRoot, built, '0.0.0-test');
  agent = loadAgentBundle(built);
}, 60_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('seamless export ansible: the folder Ansible reads', () => {
  let dir: string;
  beforeAll(() => {
    const template = writeTemplate('lint.json', {
      workloads: ['unit:redis-server', 'container:web'],
      kernel: { newest: true },
      healthChecks: [{ name: 'redis', command: 'redis-cli ping', timeoutSeconds: 10 }],
    });
    const inventory = join(root, 'hosts.ini');
    writeFileSync(inventory, '[web]\nweb1 ansible_host=192.0.2.10\nweb2 ansible_host=192.0.2.11\n');
    dir = join(root, 'lint');
    exportAnsible({
      templateFile: template,
      outDir: dir,
      inventory,
      batch: { kind: 'percent', n: 25 },
      pauseMinutes: 5,
      dryRun: true,
      maxFailPercentage: 0,
      force: false,
      agent,
    });
  });

  it.skipIf(!haveAnsible)('ansible-playbook --syntax-check passes (skipped, and says so, without ansible-playbook)', async () => {
    const r = await run('ansible-playbook', ['--syntax-check', 'site.yml'], dir);
    expect(r.out).toContain('playbook: site.yml');
    expect(r.code).toBe(0);
  });

  it.skipIf(!haveLint)(
    'ansible-lint passes with no failure and no warning (skipped, and says so, without ansible-lint)',
    async () => {
      const r = await run('ansible-lint', ['site.yml', 'group_vars/all.yml'], dir);
      expect(r.out).toMatch(/Passed with \w+ profile: 0 failure\(s\), 0 warning\(s\)/);
      expect(r.code).toBe(0);
    },
    60_000,
  );
});

describe.skipIf(!canCanary)('the exported play stops at the canary (real ansible-playbook, real sshd; skipped without them)', () => {
  let sshd: TestSshd;
  let sleeper: ChildProcess;
  let cgroup: string | null = null;
  let unit: string;
  let listener: Server;
  let contacts = 0;
  let untouchedPort: number;

  beforeAll(async () => {
    sshd = await startSshd();
    listener = createServer((sock) => {
      contacts++;
      sock.destroy();
    });
    untouchedPort = await freePort();
    await new Promise<void>((resolve) => listener.listen(untouchedPort, '127.0.0.1', resolve));
    // A service the template names, running here: a sleep in system.slice/NAME.service of systemd's hierarchy.
    unit = `seamless-ansible-${process.pid}`;
    sleeper = spawn('sleep', ['600'], { detached: true, stdio: 'ignore' });
    sleeper.unref();
    const path = join('/sys/fs/cgroup/systemd/system.slice', `${unit}.service`);
    try {
      mkdirSync(path, { recursive: true });
      writeFileSync(join(path, 'cgroup.procs'), String(sleeper.pid));
      cgroup = path;
    } catch {
      // Without it the template does not resolve here: the canary still stops, with that reason (checked below).
    }
  }, 60_000);

  afterAll(async () => {
    sleeper?.kill('SIGKILL');
    if (cgroup)
      for (let i = 0; i < 50 && existsSync(cgroup); i++) {
        try {
          rmdirSync(cgroup);
        } catch {
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    await new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve()));
    await sshd?.stop();
  });

  it('fails at the canary with its host and the preflight reason; the second host is never contacted', async () => {
    const keys = ensureTestUsersAndKeys();
    const knownHosts = join(root, 'known_hosts');
    writeFileSync(knownHosts, `[127.0.0.1]:${sshd.port} ${sshd.publicKey}\n`, { mode: 0o600 });
    // Not a kernel: preflight blocks on it too, beside CRIU (which cannot run on this machine).
    const kernel = join(root, 'vmlinuz-test');
    writeFileSync(kernel, 'not a kernel\n'.repeat(100));
    const seamlessDir = join(root, 'canary-seamless');
    const template = writeTemplate('canary.json', {
      workloads: [`unit:${unit}`],
      kernel: { image: kernel },
      store: { kind: 'dir', path: join(root, 'store') },
    });
    const ssh = `ansible_user=root ansible_ssh_private_key_file=${keys.plain} ansible_ssh_common_args='-o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes'`;
    const inventory = join(root, 'fleet.ini');
    writeFileSync(
      inventory,
      [
        '[fleet]',
        `canary ansible_host=127.0.0.1 ansible_port=${sshd.port} ${ssh} seamless_dir=${seamlessDir}`,
        `second ansible_host=127.0.0.1 ansible_port=${untouchedPort} ${ssh} seamless_dir=${join(root, 'second-seamless')}`,
        '',
      ].join('\n'),
    );
    const dir = join(root, 'canary');
    const controlDir = join(root, 'cp');
    exportAnsible({
      templateFile: template,
      outDir: dir,
      inventory,
      batch: { kind: 'hosts', n: 5 },
      pauseMinutes: 0,
      dryRun: false,
      maxFailPercentage: 0,
      force: false,
      agent,
    });
    const runsBefore = existsSync(UPGRADES) ? readdirSync(UPGRADES).sort() : [];

    const started = Date.now();
    const r = await run('ansible-playbook', ['site.yml'], dir, {
      ANSIBLE_LOCAL_TEMP: join(root, 'ansible-tmp'),
      // One SSH connection for the whole play (as Ansible's default), its master ended below.
      ANSIBLE_SSH_ARGS: '-o ControlMaster=auto -o ControlPersist=30s',
      ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
    });
    stopSshMasters(controlDir);
    const seconds = (Date.now() - started) / 1000;

    // ansible-playbook's 2: a host failed.
    expect(r.code, r.out).toBe(2);
    // The canary failed where and why it should: the host named, exit 3 with its meaning, the blocking findings.
    const fatal = r.out.split('\n').find((l) => l.startsWith('fatal: [canary]'));
    expect(fatal, r.out).toBeDefined();
    if (cgroup) {
      expect(fatal).toContain(
        'canary: preflight refuses the plan (exit 3: preflight refused the plan (blocking findings; nothing was changed)):',
      );
      expect(fatal).toMatch(/blocking findings: .*criu\.[a-z-]+/);
      expect(fatal).toContain('kernel.not-a-kernel');
    } else expect(fatal).toContain('canary: the template does not resolve on the host (exit 3:');
    // The second host: not in the output, never connected to.
    expect(r.out).not.toContain('[second]');
    expect(contacts).toBe(0);
    expect(r.out).toMatch(/canary\s*: ok=\d+ .*failed=1/);
    expect(seconds).toBeLessThan(60);

    // What the canary got: a root-only directory, the agent checked by hash, the plan resolved for this host.
    expect(statSync(seamlessDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(seamlessDir, 'agent.cjs')).mode & 0o777).toBe(0o600);
    if (cgroup) {
      const plan = planSchema.parse(JSON.parse(readFileSync(join(seamlessDir, 'plan.json'), 'utf8')));
      expect(plan.host).toBe(readFileSync('/proc/sys/kernel/hostname', 'utf8').trim());
      expect(plan.workloads).toEqual([`unit:${unit}.service`]);
    }
    // Nothing was started: no run, no upgrade output, no report fetched.
    expect(existsSync(UPGRADES) ? readdirSync(UPGRADES).sort() : []).toEqual(runsBefore);
    expect(existsSync(join(seamlessDir, 'upgrade.jsonl'))).toBe(false);
    expect(existsSync(join(dir, 'reports'))).toBe(false);
    expect(existsSync(join(root, 'second-seamless'))).toBe(false);
  }, 90_000);
});
