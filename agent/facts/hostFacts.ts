// Why: answers `host.facts` from the host's own /proc, /sys and /boot, and from the tools that
// an upgrade will use (criu, kexec, systemd). Reads are bounded and independent: a missing tool
// or an unreadable file makes that one fact null with the reason, never the whole answer fail,
// except the basic /proc files without which nothing can be trusted.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { arch, availableParallelism } from 'node:os';
import { SeamlessError, tailOf } from '../../shared/errors';
import type { HostFacts } from '../../shared/domain/hostFacts';
import { runTool } from '../exec/runTool';
import { parseCpuinfo } from './cpuinfo';
import { parseMeminfo } from './meminfo';
import { parsePmemRegions } from './iomem';
import { pairBootFiles } from './bootKernels';
import { maxJournalPid, parseStartupFinished, STARTUP_FINISHED_ID, type BootTimes } from './bootTimes';
import { criuCheckPassed, parseCriuVersion, parseKexecVersion, parseLockdown, parseSystemdVersion } from './toolVersions';
import { listOptional as list, readOptional as text } from '../fs/readOptional';

export interface ProcReader {
  read(path: string): Promise<string>;
}

export const realProc: ProcReader = {
  read: (path) => readFile(path, 'utf8'),
};

async function readOrFail(proc: ProcReader, path: string): Promise<string> {
  try {
    return await proc.read(path);
  } catch (err) {
    throw new SeamlessError('PROC_READ_FAILED', `Could not read ${path}; is /proc mounted and readable?`, {
      evidence: tailOf(err instanceof Error ? err.message : String(err)),
    });
  }
}

/** The criu features an upgrade relies on (criu check --feature NAME). */
export const CRIU_FEATURES = ['mem_dirty_track', 'uffd', 'uffd-noncoop', 'clone3_set_tid'] as const;

async function criuFacts(): Promise<HostFacts['criu']> {
  const version = await runTool('criu', ['--version']);
  if (!version.installed) return { version: null, checkPassed: null, checkOutput: null, features: {}, reason: 'criu is not installed' };
  const check = await runTool('criu', ['check'], 30_000);
  const features: Record<string, boolean> = {};
  await Promise.all(
    CRIU_FEATURES.map(async (f) => {
      const r = await runTool('criu', ['check', '--feature', f]);
      if (r.installed) features[f] = r.code === 0;
    }),
  );
  const out = check.installed ? `${check.stdout}${check.stderr}` : '';
  return {
    version: parseCriuVersion(version.stdout),
    checkPassed: check.installed ? criuCheckPassed(check.code, out) : null,
    checkOutput: tailOf(out, 12),
    features,
    reason: process.getuid?.() === 0 ? null : 'criu check needs root; run the agent as root',
  };
}

async function bootTimes(): Promise<HostFacts['systemd']['bootTimes']> {
  const read = async (boot: string): Promise<BootTimes | null | undefined> => {
    const r = await runTool('journalctl', ['-b', boot, '-o', 'json', '--no-pager', `MESSAGE_ID=${STARTUP_FINISHED_ID}`]);
    if (!r.installed) return undefined;
    return parseStartupFinished(r.stdout);
  };
  const [current, previous] = await Promise.all([read('0'), read('-1')]);
  if (current === undefined) return { current: null, previous: null, reason: 'journalctl is not installed (no systemd journal)' };
  return {
    current: current ?? null,
    previous: previous ?? null,
    reason: previous ? null : 'the journal has no previous boot (volatile journal, or first boot)',
  };
}

async function pidFacts(current: BootTimes | null): Promise<HostFacts['pids']> {
  const pidMax = Number(text('/proc/sys/kernel/pid_max')) || null;
  if (current?.finishedAtUsec) {
    const r = await runTool(
      'journalctl',
      ['-b', '0', '-o', 'json', '--no-pager', '--output-fields=_PID', `--until=@${Math.ceil(current.finishedAtUsec / 1e6)}`],
      20_000,
    );
    const max = r.installed ? maxJournalPid(r.stdout) : null;
    if (max !== null) return { pidMax, usedBeforeServicesUp: max, basis: 'highest PID in this boot’s journal before "Startup finished"' };
  }
  return { pidMax, usedBeforeServicesUp: null, basis: 'unknown: no systemd "Startup finished" record in the journal' };
}

function pmemFacts(): HostFacts['pmem'] {
  const { regions, addressesHidden } = parsePmemRegions(text('/proc/iomem') ?? '');
  const devices = list('/sys/block')
    .filter((n) => /^pmem\d+/.test(n))
    .map((name) => ({ name, sizeBytes: Number(text(`/sys/block/${name}/size`) ?? 0) * 512 }));
  const daxMounts = (text('/proc/mounts') ?? '')
    .split('\n')
    .map((l) => l.split(' '))
    .filter((f) => f.length >= 4 && (/(^|,)dax(=|,|$)/.test(f[3]!) || f[0]!.startsWith('/dev/pmem')))
    .map((f) => ({ device: f[0]!, mountpoint: f[1]!, fstype: f[2]!, options: f[3]! }));
  return { regions, addressesHidden, devices, daxMounts };
}

function diskFacts(): HostFacts['disks'] {
  return list('/sys/block')
    .filter((n) => !/^(loop|ram|zram|pmem|dm-|sr)/.test(n))
    .map((name) => {
      const rot = text(`/sys/block/${name}/queue/rotational`)?.trim();
      return {
        name,
        sizeBytes: Number(text(`/sys/block/${name}/size`) ?? 0) * 512,
        rotational: rot === undefined ? null : rot === '1',
        model: text(`/sys/block/${name}/device/model`)?.trim() || null,
      };
    });
}

function secureBoot(): HostFacts['kexec']['secureBoot'] {
  if (list('/sys/firmware/efi').length === 0) return 'not-efi';
  const name = list('/sys/firmware/efi/efivars').find((n) => n.startsWith('SecureBoot-'));
  if (!name) return null;
  try {
    // efivarfs: 4 bytes of attributes, then the value.
    return readFileSync(`/sys/firmware/efi/efivars/${name}`)[4] === 1 ? 'enabled' : 'disabled';
  } catch {
    return null;
  }
}

/** Whether kexec must use the signed path (`-s`): the lockdown mode and Secure Boot, read alone (no tool runs). */
export function kexecRestrictions(): Pick<HostFacts['kexec'], 'lockdown' | 'secureBoot'> {
  return { lockdown: parseLockdown(text('/sys/kernel/security/lockdown') ?? ''), secureBoot: secureBoot() };
}

export async function readHostFacts(proc: ProcReader = realProc): Promise<HostFacts> {
  const [release, version, hostname, cmdline, cpuinfo, meminfo, uptime] = await Promise.all(
    [
      '/proc/sys/kernel/osrelease',
      '/proc/sys/kernel/version',
      '/proc/sys/kernel/hostname',
      '/proc/cmdline',
      '/proc/cpuinfo',
      '/proc/meminfo',
      '/proc/uptime',
    ].map((p) => readOrFail(proc, p)),
  );
  const cpu = parseCpuinfo(cpuinfo!);
  const mem = parseMeminfo(meminfo!);
  const total = mem.get('MemTotal');
  if (total === undefined) {
    throw new SeamlessError('PROC_READ_FAILED', '/proc/meminfo has no MemTotal line', { evidence: tailOf(meminfo!, 5) });
  }
  const [criu, kexecVersion, systemdVersion, times] = await Promise.all([
    criuFacts(),
    runTool('kexec', ['--version']),
    runTool('systemctl', ['--version']),
    bootTimes(),
  ]);
  const runningRelease = release!.trim();
  const disabled = text('/proc/sys/kernel/kexec_load_disabled')?.trim();
  return {
    hostname: hostname!.trim(),
    kernel: { release: runningRelease, version: version!.trim(), cmdline: cmdline!.trim() },
    arch: arch(),
    // Some architectures list no "processor" stanzas; the scheduler's count stands in there.
    cpus: cpu.count > 0 ? cpu.count : availableParallelism(),
    cpuModel: cpu.model,
    cpuFlags: cpu.flags,
    memory: {
      totalBytes: total,
      availableBytes: mem.get('MemAvailable') ?? null,
      dirtyBytes: mem.get('Dirty') ?? 0,
      writebackBytes: mem.get('Writeback') ?? 0,
    },
    uptimeSeconds: Number(uptime!.trim().split(/\s+/)[0] ?? 0),
    pmem: pmemFacts(),
    disks: diskFacts(),
    bootKernels: pairBootFiles('/boot', list('/boot')).map((k) => ({ ...k, running: k.version === runningRelease })),
    criu,
    kexec: {
      version: kexecVersion.installed ? parseKexecVersion(`${kexecVersion.stdout}${kexecVersion.stderr}`) : null,
      loadDisabled: disabled === undefined ? null : disabled === '1',
      ...kexecRestrictions(),
    },
    systemd: { version: systemdVersion.installed ? parseSystemdVersion(systemdVersion.stdout) : null, bootTimes: times },
    pids: await pidFacts(times.current),
  };
}
