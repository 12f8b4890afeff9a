// Test data: a complete, valid HostFacts for a lab-like host (Debian 12, 6.1.0-47, pmem at 1G).
import type { HostFacts } from '../../shared/domain/hostFacts';

const GiB = 1024 ** 3;

export function sampleFacts(over: Partial<HostFacts> = {}): HostFacts {
  return {
    hostname: 'seamless-lab',
    kernel: {
      release: '6.1.0-47-amd64',
      version: '#1 SMP PREEMPT_DYNAMIC Debian 6.1.170-1',
      cmdline: 'root=/dev/vda rw console=ttyS0 memmap=1G!1G',
    },
    arch: 'x64',
    cpus: 2,
    cpuModel: 'QEMU TCG CPU',
    cpuFlags: ['fpu', 'sse2'],
    memory: { totalBytes: 2 * GiB, availableBytes: GiB, dirtyBytes: 0, writebackBytes: 0 },
    uptimeSeconds: 60,
    pmem: {
      regions: [{ start: GiB, end: 2 * GiB - 1, sizeBytes: GiB, kind: 'legacy' }],
      addressesHidden: false,
      devices: [{ name: 'pmem0', sizeBytes: GiB }],
      daxMounts: [],
    },
    disks: [{ name: 'vda', sizeBytes: 4 * GiB, rotational: true, model: null }],
    bootKernels: [
      {
        version: '6.1.0-47-amd64',
        image: '/boot/vmlinuz-6.1.0-47-amd64',
        initrd: '/boot/initrd.img-6.1.0-47-amd64',
        config: '/boot/config-6.1.0-47-amd64',
        running: true,
      },
      {
        version: '6.1.0-50-amd64',
        image: '/boot/vmlinuz-6.1.0-50-amd64',
        initrd: '/boot/initrd.img-6.1.0-50-amd64',
        config: '/boot/config-6.1.0-50-amd64',
        running: false,
      },
    ],
    criu: {
      version: '3.17.1',
      checkPassed: true,
      checkOutput: 'Looks good.',
      features: { mem_dirty_track: true, uffd: true, clone3_set_tid: true },
      reason: null,
    },
    kexec: { version: '2.0.26', loadDisabled: false, lockdown: 'none', secureBoot: 'not-efi' },
    systemd: { version: 252, bootTimes: { current: null, previous: null, reason: 'test' } },
    pids: { pidMax: 4194304, usedBeforeServicesUp: 400, basis: 'test' },
    ...over,
  };
}
