// Why: whether this host can checkpoint and kexec at all: CRIU present and working on this
// kernel, kexec not disabled by sysctl, lockdown or Secure Boot.
import type { Finding } from '../../../shared/domain/findings';
import type { PreflightContext } from '../context';

/** The newest kernel series each CRIU release was made against (release notes, criu.org). */
const CRIU_KNOWN_KERNEL: [string, string][] = [
  ['3.15', '5.10'],
  ['3.16', '5.13'],
  ['3.17', '5.18'],
  ['3.18', '6.3'],
  ['3.19', '6.7'],
  ['4.0', '6.10'],
  ['4.1', '6.13'],
  ['4.2', '6.16'],
];

const versionKey = (v: string) => v.split('.').map((n) => Number.parseInt(n, 10) || 0);
const newer = (a: string, b: string) => {
  const x = versionKey(a);
  const y = versionKey(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return false;
};

export function criuRules(ctx: PreflightContext): Finding[] {
  const { criu } = ctx.facts;
  if (criu.version === null) {
    return [
      {
        id: 'criu.missing',
        severity: 'block',
        message: 'CRIU is not installed on the host.',
        evidence: criu.reason ?? 'criu --version: not found',
        fix: 'Install it: apt-get install criu (Debian/Ubuntu) or dnf install criu.',
      },
    ];
  }
  const out: Finding[] = [];
  if (criu.checkPassed === false) {
    out.push({
      id: 'criu.check-failed',
      severity: 'block',
      message: `CRIU ${criu.version} cannot checkpoint on the running kernel ${ctx.facts.kernel.release}.`,
      evidence: criu.checkOutput ?? '',
      fix: 'Install a CRIU release that supports this kernel, or check the kernel options criu check names.',
    });
  } else if (criu.checkPassed === null) {
    out.push({
      id: 'criu.check-unknown',
      severity: 'warn',
      message: 'criu check could not run.',
      evidence: criu.reason ?? '',
      fix: 'Run the agent as root.',
    });
  }
  const image = ctx.newKernel.image;
  const target = ctx.plan.kernel.release ?? (image.ok ? image.release : null);
  const series = target ? /^(\d+\.\d+)/.exec(target)?.[1] : undefined;
  const known = CRIU_KNOWN_KERNEL.filter(([c]) => !newer(c, criu.version!.split('.').slice(0, 2).join('.'))).pop()?.[1];
  if (series && known && newer(series, known)) {
    out.push({
      id: 'criu.older-than-kernel',
      severity: 'warn',
      message: `CRIU ${criu.version} predates kernel ${series}: the restore on the new kernel is not covered by CRIU's own testing.`,
      evidence: `CRIU ${criu.version} was made against kernels up to ${known}; the new kernel is ${target}.`,
      fix: 'Prefer a CRIU release newer than the target kernel, or run a dry run on a copy of this host first.',
    });
  }
  const missing = Object.entries(criu.features)
    .filter(([, ok]) => !ok)
    .map(([f]) => f);
  if (missing.includes('mem_dirty_track') && ctx.plan.options.preDump) {
    out.push({
      id: 'criu.no-dirty-tracking',
      severity: 'warn',
      message: 'The kernel cannot track dirty memory: pre-dump rounds cannot shrink the freeze.',
      evidence: 'criu check --feature mem_dirty_track: failed',
      fix: 'Expect the whole memory to be dumped during the freeze, or turn pre-dump off in the plan.',
    });
  }
  const lazyMissing = (['uffd', 'uffd-noncoop'] as const).filter((f) => criu.features[f] === false);
  if (ctx.plan.options.restoreMode === 'lazy' && lazyMissing.length > 0) {
    out.push({
      id: 'criu.no-lazy-pages',
      severity: 'block',
      message: `The plan restores lazily, but CRIU cannot serve pages on demand on the running kernel ${ctx.facts.kernel.release} (a restore back here, after a failure or a reset, would need it).`,
      evidence: lazyMissing.map((f) => `criu check --feature ${f}: failed`).join('; '),
      fix: 'Set restoreMode to eager in the plan, or run a kernel with CONFIG_USERFAULTFD=y (5.x and later for non-cooperative events).',
    });
  }
  return out;
}

export function kexecRules(ctx: PreflightContext): Finding[] {
  const { kexec } = ctx.facts;
  const out: Finding[] = [];
  if (kexec.version === null) {
    out.push({
      id: 'kexec.missing',
      severity: 'block',
      message: 'kexec-tools is not installed on the host.',
      evidence: 'kexec --version: not found',
      fix: 'Install it: apt-get install kexec-tools (answer "no" to "handle reboots").',
    });
  }
  if (kexec.loadDisabled === true) {
    out.push({
      id: 'kexec.disabled',
      severity: 'block',
      message: 'Loading a kernel with kexec is disabled on this boot (kernel.kexec_load_disabled=1).',
      evidence: '/proc/sys/kernel/kexec_load_disabled = 1',
      fix: 'It cannot be re-enabled without a reboot: reboot with the sysctl unset, then plan again.',
    });
  }
  if (kexec.lockdown === 'integrity' || kexec.lockdown === 'confidentiality') {
    out.push({
      id: 'kexec.lockdown',
      severity: 'warn',
      message: `Kernel lockdown (${kexec.lockdown}) allows only signed kernels through kexec_file_load.`,
      evidence: `/sys/kernel/security/lockdown: [${kexec.lockdown}]`,
      fix: 'Use a kernel image signed by a trusted key; the stage step then loads it with kexec -s.',
    });
  }
  if (kexec.secureBoot === 'enabled') {
    out.push({
      id: 'kexec.secure-boot',
      severity: 'warn',
      message: 'Secure Boot is on: only a signed kernel image can be loaded (kexec -s).',
      evidence: 'EFI variable SecureBoot = 1',
      fix: "Use the distribution's signed kernel; unsigned images will be refused at the stage step.",
    });
  }
  return out;
}

export function pidRules(ctx: PreflightContext): Finding[] {
  const used = ctx.facts.pids.usedBeforeServicesUp;
  if (used === null) {
    return [
      {
        id: 'pids.boot-usage-unknown',
        severity: 'info',
        message: 'How many PIDs this host uses while booting is not known.',
        evidence: ctx.facts.pids.basis,
        fix: 'Keep a persistent journal (Storage=persistent) so the next plan can measure it.',
      },
    ];
  }
  const margin = Math.ceil(used * 0.25) + 50;
  const out: Finding[] = [];
  for (const s of ctx.selected) {
    const low = s.workload.pids.filter((p) => p <= used + margin);
    if (low.length > 0) {
      out.push({
        id: 'pids.collision',
        severity: 'warn',
        workload: s.selector,
        message: `${low.length} process(es) have PIDs that the new boot may already use before the restore runs.`,
        evidence: `PIDs ${low.slice(0, 10).join(', ')}${low.length > 10 ? ', …' : ''}; this boot had used up to PID ${used} when its services were up (${ctx.facts.pids.basis}).`,
        fix: 'Restart the workload once before the upgrade so it gets a high PID, or accept that its restore may fail and fall back.',
      });
    }
  }
  return out;
}

export function dirtyCacheRules(ctx: PreflightContext): Finding[] {
  const dirty = ctx.facts.memory.dirtyBytes + ctx.facts.memory.writebackBytes;
  const MiB = 1024 * 1024;
  return [
    {
      id: 'host.dirty-page-cache',
      severity: dirty > 1024 * MiB ? 'warn' : 'info',
      message: `${(dirty / MiB).toFixed(0)} MiB of page cache is dirty or under writeback; the freeze waits for whatever is still dirty then.`,
      evidence: `/proc/meminfo Dirty ${(ctx.facts.memory.dirtyBytes / MiB).toFixed(1)} MiB, Writeback ${(ctx.facts.memory.writebackBytes / MiB).toFixed(1)} MiB`,
      fix: 'The pre-sync step flushes while the workloads still run; run calibration to turn this into seconds at this disk’s measured speed.',
    },
  ];
}

export function limitRules(ctx: PreflightContext): Finding[] {
  return ctx.limits.map((l) => ({
    id: 'preflight.limited',
    severity: 'warn' as const,
    message: 'A preflight check could not run on this host.',
    evidence: l,
    fix: 'Install the missing tool and run preflight again.',
  }));
}
