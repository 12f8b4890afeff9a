// Why: proves the lab is what the end-to-end tests assume: it builds (or
// reuses its cache), boots 6.1.0-47 under TCG, answers SSH with the pinned key,
// has the upgrade kernel, /dev/pmem0 and a working CRIU, and its workloads run
// with the data they should have. It fails (never skips) when host tools are
// missing, naming the Debian packages to install. These cases run first in
// upgrade.lab.test.ts's boot (a boot of their own cost a minute of CI), on the
// lab as freshly booted, before any upgrade touches it.
import { it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labBuild, labExec, labStatus, LAB_KERNELS, MEMLOAD_DEFAULT_SIZE, type BuildResult } from './lab.js';
import { BUILD_TOOLS, RUN_TOOLS, missingTools } from './hostTools.js';
import { runOk } from './run.js';
import { guest, MIN } from './labAgent.js';

interface MemloadReport {
  pid: number;
  counter: number;
  checksum: string;
  expected: string;
  ok: boolean;
  size: number;
  sizeArg: string;
  startedAt: string;
}

function memloadReports(text: string): MemloadReport[] {
  return text
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as MemloadReport);
}

export function smokeOfTheLab(): void {
  let built: BuildResult | undefined;

  it('has the host tools (else: apt-get install the packages in test/lab/PACKAGES)', () => {
    const m = missingTools([...BUILD_TOOLS, ...RUN_TOOLS]);
    const packages = readFileSync(join(import.meta.dirname, 'PACKAGES'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(m.tools, `missing ${m.tools.join(', ')}: apt-get install -y ${m.packages.join(' ')} (CI: ${packages.join(' ')})`).toEqual([]);
  });

  it(
    'builds the image or reuses the cache',
    async () => {
      built = await labBuild();
      expect(built.manifest.kernels).toEqual(LAB_KERNELS);
      expect(built.manifest.hostKeyFingerprint).toMatch(/^SHA256:/);
    },
    20 * MIN,
  );

  it(
    'booted 6.1.0-47 and answers SSH with the pinned host key',
    async () => {
      const s = await labStatus();
      expect(s).toMatchObject({ running: true, host: '127.0.0.1', user: 'root', kernel: LAB_KERNELS.boot });
      expect(s.hostKeyFingerprint).toBe(built?.manifest.hostKeyFingerprint);
      expect(readFileSync(s.knownHostsPath, 'utf8')).toContain(`[127.0.0.1]:${s.port} ${s.hostKey}`);
      expect((await guest('uname -r')).trim()).toBe(LAB_KERNELS.boot);
    },
    10 * MIN,
  );

  it('has the upgrade kernel and its initrd in /boot', async () => {
    const out = await guest(`ls /boot`);
    for (const k of [LAB_KERNELS.boot, LAB_KERNELS.target]) {
      expect(out).toContain(`vmlinuz-${k}`);
      expect(out).toContain(`initrd.img-${k}`);
    }
  });

  it('has /dev/pmem0 on a legacy persistent memory range, with no filesystem', async () => {
    expect(await guest('cat /proc/iomem')).toMatch(/Persistent Memory \(legacy\)/);
    expect((await guest('test -b /dev/pmem0 && echo yes')).trim()).toBe('yes');
    expect((await guest('blkid -p /dev/pmem0 >/dev/null 2>&1; echo $?')).trim()).toBe('2'); // nothing found
    expect((await guest('cat /proc/cmdline')).trim()).toContain('memmap=1536M!1G');
  });

  it('passes criu check', async () => {
    // criu prints two harmless "Error (criu/util.c:642)" lines while probing
    const r = await labExec('criu check 2>&1', { timeoutMs: 5 * MIN });
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout.trim().split('\n').pop()).toBe('Looks good.');
  });

  it('runs the workload services', async () => {
    const units = ['redis-server.service', `lab-memload@${MEMLOAD_DEFAULT_SIZE}.service`];
    expect((await guest(`systemctl is-active ${units.join(' ')}`)).trim().split('\n')).toEqual(['active', 'active']);
    const memloads = (await guest(`systemctl list-units --plain --no-legend --state=active 'lab-memload@*.service'`)).trim();
    expect(memloads).toContain(`lab-memload@${MEMLOAD_DEFAULT_SIZE}.service`);
  });

  it('has redis without persistence (its dataset is filled and checked by the lazy case, which needs it)', async () => {
    // persistence off: after a kexec the data can only come back through CRIU
    expect(await guest('redis-cli CONFIG GET save')).toBe('save\n\n');
    expect(await guest('redis-cli CONFIG GET appendonly')).toBe('appendonly\nno\n');
    // the fill is on demand, not at boot (29 s of the guest's CPU on every boot)
    expect((await guest('systemctl is-enabled lab-redis-fill.service || true')).trim()).toBe('disabled');
  });

  it(
    'has lab-memload with the expected checksum and a counter that advances',
    async () => {
      if (!built) throw new Error('no image');
      const expected = (await runOk(join(built.paths.bin, 'lab-memload'), ['--expect', MEMLOAD_DEFAULT_SIZE])).stdout.trim();
      const mainPid = (await guest(`systemctl show -p MainPID --value lab-memload@${MEMLOAD_DEFAULT_SIZE}.service`)).trim();
      const [first] = memloadReports(await guest(`lab-memload-status ${mainPid}`));
      await new Promise((r) => setTimeout(r, 2000));
      const [second] = memloadReports(await guest(`lab-memload-status ${mainPid}`));
      expect(first?.pid).toBe(Number(mainPid));
      expect(first?.checksum).toBe(expected);
      expect(second?.checksum).toBe(expected);
      expect(second?.ok).toBe(true);
      expect(second!.counter).toBeGreaterThan(first!.counter);
    },
    5 * MIN,
  );

  it(
    'starts lab-memload as a detached process tree outside systemd',
    async () => {
      const [keeperText, shellSid] = (await guest('echo $(lab-memload-tree 16M) $(ps -o sid= -p $$)')).trim().split(/\s+/);
      const keeper = Number(keeperText);
      expect(keeper).toBeGreaterThan(1);
      try {
        const child = Number((await guest(`sleep 1; cat /proc/${keeper}/task/${keeper}/children`)).trim());
        expect(child).toBeGreaterThan(keeper);
        const stat = (await guest(`ps -o ppid=,sid=,tty=,comm= -p ${keeper}`)).trim().split(/\s+/);
        expect(stat[0]).toBe('1'); // re-parented to init
        expect(stat[1]).not.toBe(shellSid); // a session of its own, not the ssh shell's
        expect(stat[2]).toBe('?'); // no terminal
        expect((await guest(`cat /proc/${keeper}/cgroup`)).trim()).not.toMatch(/lab-memload@/);
        const [report] = memloadReports(await guest(`lab-memload-status ${child}`));
        expect(report?.ok).toBe(true);
      } finally {
        await labExec(`kill ${keeper} $(cat /proc/${keeper}/task/${keeper}/children 2>/dev/null) 2>/dev/null; true`);
      }
    },
    5 * MIN,
  );
}
