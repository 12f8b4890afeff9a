// Why: before planning, the admin wants to know in five seconds whether this host can be
// upgraded at all, and if not, exactly what to change (with the one ordinary reboot a memmap=
// reservation needs). Read from the host's facts; preflight says the rest once a plan exists.
import type { HostFacts } from '../../../shared/domain/hostFacts';

export interface ReadinessItem {
  id: string;
  ok: boolean;
  what: string;
  /** What to do when not ok. */
  fix: string | null;
}

const GiB = 1024 ** 3;

/** A reservation that fits this host: a quarter of its memory (at most 16 GiB), placed at 4 GiB. */
function suggestedMemmap(totalBytes: number): string {
  const size = Math.max(1, Math.min(16, Math.floor(totalBytes / GiB / 4)));
  return `memmap=${size}G!4G`;
}

export function readiness(f: HostFacts): ReadinessItem[] {
  const other = f.bootKernels.filter((k) => !k.running);
  const pmem = f.pmem.devices[0];
  return [
    {
      id: 'criu',
      ok: f.criu.version !== null && f.criu.checkPassed !== false,
      what: f.criu.version ? `CRIU ${f.criu.version}${f.criu.checkPassed === false ? ': criu check failed' : ''}` : 'CRIU is not installed',
      fix: f.criu.version
        ? f.criu.checkPassed === false
          ? 'See `criu check` on the host; this kernel lacks what CRIU needs.'
          : null
        : 'apt-get install criu (Debian/Ubuntu) or dnf install criu',
    },
    {
      id: 'kexec',
      ok: f.kexec.version !== null && f.kexec.loadDisabled !== true,
      what: f.kexec.version
        ? `kexec-tools ${f.kexec.version}${f.kexec.loadDisabled ? ', but kexec is disabled (kernel.kexec_load_disabled)' : ''}`
        : 'kexec-tools is not installed',
      fix: f.kexec.version
        ? f.kexec.loadDisabled
          ? 'kernel.kexec_load_disabled cannot be unset without a reboot; boot without it.'
          : null
        : 'apt-get install kexec-tools',
    },
    {
      id: 'kernel',
      ok: other.length > 0,
      what: other.length ? `kernels to upgrade to: ${other.map((k) => k.version).join(', ')}` : 'no other kernel is installed in /boot',
      fix: other.length ? null : 'Install the new kernel package first (it lands in /boot), or give an image path in the plan.',
    },
    {
      id: 'store',
      ok: pmem !== undefined,
      what: pmem ? `image store: /dev/${pmem.name}` : 'no persistent memory for the image store',
      fix: pmem
        ? null
        : `Add ${suggestedMemmap(f.memory.totalBytes)} to the kernel command line (inside one usable RAM range of /proc/iomem) and reboot once the ordinary way; or use a directory store (a disk write and read of every image byte during the blackout).`,
    },
  ];
}
