// Why: the new kernel must be a kernel, boot with its initrd, and have what the restore needs:
// CHECKPOINT_RESTORE, the pmem driver for the store, and the namespaces the workloads use.
import type { Finding } from '../../../shared/domain/findings';
import type { PreflightContext } from '../context';

const enabled = (config: Map<string, string>, name: string) => {
  const v = config.get(name);
  return v === 'y' || v === 'm';
};

export function kernelRules(ctx: PreflightContext): Finding[] {
  const out: Finding[] = [];
  const { image, initrdExists, config, configPath } = ctx.newKernel;
  if (!image.ok) {
    out.push({
      id: 'kernel.not-a-kernel',
      severity: 'block',
      message: `${ctx.plan.kernel.image} is not a bootable Linux kernel image.`,
      evidence: image.reason,
      fix: 'Pick an installed kernel from /boot (vmlinuz-VERSION).',
    });
  }
  if (ctx.plan.kernel.initrd !== null && initrdExists === false) {
    out.push({
      id: 'kernel.initrd-missing',
      severity: 'block',
      message: `The initrd ${ctx.plan.kernel.initrd} does not exist.`,
      evidence: `stat ${ctx.plan.kernel.initrd}: no such file`,
      fix: 'Rebuild it (update-initramfs -c -k VERSION) or point the plan at the right file.',
    });
  }
  if (ctx.plan.kernel.initrd === null) {
    out.push({
      id: 'kernel.no-initrd',
      severity: 'warn',
      message: 'The plan boots the new kernel without an initrd.',
      evidence: 'plan.kernel.initrd is null',
      fix: 'Only right when the root filesystem driver is built in; Debian and Ubuntu kernels need their initrd.',
    });
  }
  if (config === null) {
    out.push({
      id: 'kernel.config-unknown',
      severity: 'warn',
      message: "The new kernel's build configuration was not found, so its features cannot be checked.",
      evidence: configPath ? `${configPath}: not readable` : 'no config-VERSION beside the image',
      fix: 'Install the config file that comes with the kernel package (Debian: /boot/config-VERSION).',
    });
    return out;
  }
  if (!enabled(config, 'CONFIG_CHECKPOINT_RESTORE')) {
    out.push({
      id: 'kernel.no-checkpoint-restore',
      severity: 'block',
      message: 'The new kernel lacks CONFIG_CHECKPOINT_RESTORE: CRIU cannot restore on it.',
      evidence: `${configPath}: CONFIG_CHECKPOINT_RESTORE is not set`,
      fix: 'Choose a kernel built with CONFIG_CHECKPOINT_RESTORE=y (every Debian/Ubuntu/Fedora kernel is).',
    });
  }
  if (ctx.plan.store.kind === 'pmem') {
    const need = ['CONFIG_BLK_DEV_PMEM', 'CONFIG_X86_PMEM_LEGACY', 'CONFIG_LIBNVDIMM'].filter((c) => !enabled(config, c));
    if (need.length > 0) {
      out.push({
        id: 'kernel.no-pmem',
        severity: 'block',
        message: 'The new kernel cannot see the persistent-memory store, so the images would be unreachable after kexec.',
        evidence: `${configPath}: ${need.join(', ')} not set`,
        fix: 'Choose a kernel with the pmem drivers, or use a directory store.',
      });
    }
  }
  if (ctx.plan.options.restoreMode === 'lazy' && !enabled(config, 'CONFIG_USERFAULTFD')) {
    out.push({
      id: 'kernel.no-userfaultfd',
      severity: 'block',
      message: 'The plan restores lazily, but the new kernel lacks userfaultfd: its pages cannot be served on demand there.',
      evidence: `${configPath}: CONFIG_USERFAULTFD is not set`,
      fix: 'Set restoreMode to eager in the plan, or choose a kernel built with CONFIG_USERFAULTFD=y.',
    });
  }
  const uses = (ns: 'net' | 'user' | 'pid' | 'mnt') =>
    ctx.selected.some((s) =>
      s.workload.pids.some((pid) => {
        const p = ctx.inventory.processes.find((x) => x.pid === pid);
        const host = ctx.inventory.processes.find((x) => x.pid === 1);
        return p && host && p.namespaces[ns] !== null && p.namespaces[ns] !== host.namespaces[ns];
      }),
    );
  const nsConfig: ['net' | 'user' | 'pid' | 'mnt', string][] = [
    ['net', 'CONFIG_NET_NS'],
    ['user', 'CONFIG_USER_NS'],
    ['pid', 'CONFIG_PID_NS'],
  ];
  for (const [ns, opt] of nsConfig) {
    if (uses(ns) && !enabled(config, opt)) {
      out.push({
        id: 'kernel.missing-namespace',
        severity: 'block',
        message: `A selected workload runs in its own ${ns} namespace, which the new kernel cannot create.`,
        evidence: `${configPath}: ${opt} is not set`,
        fix: `Choose a kernel with ${opt}=y.`,
      });
    }
  }
  return out;
}
