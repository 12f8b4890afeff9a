// Why: the VM's shape (TCG, CPU model, memory, the pmem reservation, the
// kernel command line, the forwarded SSH port) is a handful of decisions that
// were measured to work on this machine; they are built here by pure functions
// so they can be unit-tested and read in one place.

export const VM = {
  cpus: 2,
  memoryMiB: 4096,
  /**
   * memmap=SIZE!OFFSET: the range must sit inside one usable e820 region and be
   * 128 MiB aligned. QEMU's pc machine keeps at most 3 GiB below its PCI hole
   * (the rest of RAM goes above 4 GiB), and the BIOS reserves the last few KiB
   * below 3 GiB: 1536M!1G (1–2.5 GiB) fits, 2G!1G does not. 1.5 GiB of store
   * holds the images of a 1 GiB workload; the guest keeps 2.5 GiB of RAM.
   */
  pmem: { size: '1536M', offset: '1G' },
} as const;

export interface CmdlineOptions {
  root?: string;
  console?: string;
  pmem?: { size: string; offset: string };
  extra?: readonly string[];
}

/**
 * The guest kernel command line (also what Seamless starts from for kexec).
 *
 * `tsc=reliable`: TCG's `-cpu max` announces no invariant TSC, so a 6.1 guest with two CPUs
 * marks its TSC unstable ("TSCs unsynchronized") and reads the time from the emulated HPET,
 * an MMIO access on every read. Under TCG every vCPU's TSC is the host's own, so they are in
 * step, as on a real server's constant TSC. Measured in the guest: a million
 * `performance.now()` in Node 10.2 s on HPET, 6.7 s on the TSC.
 */
export function guestCmdline(opts: CmdlineOptions = {}): string {
  const pmem = opts.pmem ?? VM.pmem;
  return [
    `root=${opts.root ?? '/dev/vda'}`,
    'rw',
    `console=${opts.console ?? 'ttyS0'}`,
    `memmap=${pmem.size}!${pmem.offset}`,
    'tsc=reliable',
    ...(opts.extra ?? []),
  ].join(' ');
}

export interface QemuArgsInput {
  kernel: string;
  initrd: string;
  cmdline: string;
  overlay: string;
  port: number;
  /** More TCP forwards from 127.0.0.1 to guest ports (redis, for a client outside the VM). */
  forwards?: readonly { host: number; guest: number }[];
  serialLog: string;
  pidfile: string;
  cpus?: number;
  memoryMiB?: number;
  /** QEMU's I/O throttling on the root disk (benchmarks: a disk like a real server's, not the host's RAM). */
  diskThrottle?: DiskThrottle;
}

/** A disk's limits: bytes and operations per second, reads and writes together. */
export interface DiskThrottle {
  bytesPerS: number;
  iops: number;
}

/**
 * The baseline of the commonest cloud block volume (AWS gp3: 125 MiB/s, 3,000 IOPS): the lab's
 * disk is a file in the host's page cache, faster than any server's, so a comparison with a
 * method that writes to disk, or a cold page cache, is only fair on a throttled one.
 */
export const GP3_BASELINE: DiskThrottle = { bytesPerS: 125 * 1024 * 1024, iops: 3000 };

const throttling = (t: DiskThrottle | undefined): string =>
  t ? `,throttling.bps-total=${Math.round(t.bytesPerS)},throttling.iops-total=${Math.round(t.iops)}` : '';

/** QEMU's minimal firmware (Debian: qemu-system-data, a dependency of qemu-system-x86). */
export const QBOOT = '/usr/share/qemu/qboot.rom';

/**
 * qemu-system-x86_64 arguments. TCG only: KVM exists on these hosts but nested
 * guests hang.
 *
 * `-cpu max,la57=off,erms=off,fsrm=off`. `max` under TCG advertises LA57 (5-level paging),
 * which the 6.1 guest would then use; `la57=off` on the CPU model keeps it 4-level (a CPU
 * property, not a kernel parameter: 6.1 knows no `la57=off`). ERMS and FSRM off: TCG runs
 * `rep movsb` one byte per iteration, and a guest kernel told the CPU has fast `rep movsb`
 * copies every page, pipe buffer and user buffer that way (glibc's large memcpy too). Measured
 * in the guest, `max` / without ERMS+FSRM / `qemu64`: 256 MiB through a pipe into md5sum 9.9 /
 * 4.4 / 4.0 s; `criu restore` of a 128 MiB tree 4.1 / 1.3 / 1.0 s; but `node -e 0` 4.8 / 4.5 /
 * 5.6 s, `podman ps` 1.9 / 1.7 / 2.4 s, an RSA key 3.3 / 2.9 / 4.6 s (the baseline's code paths
 * run more instructions); boot to the end of systemd's startup 50 / 44 / 44 s. CRIU dumps and
 * restores on the same CPU model, so nothing it checks changes.
 *
 * `-bios qboot.rom` (QEMU's minimal firmware, in qemu-system-data): it loads `-kernel` at once,
 * where SeaBIOS took 8 s on TCG before the kernel's first line; every cold boot and every reset
 * pays it. The NIC has no option ROM (`romfile=`): nothing here boots from the network.
 *
 * `tb-size=512` (MiB of translated code; QEMU 7.2's default is 1 GiB): a big translation cache
 * outlives a reset or a kexec, and the next boot then writes over pages that still hold
 * translated code of the last one, each write taking QEMU's slow invalidation path (perf:
 * page_collection_lock on top). With 1 GiB a reset after a staged kexec booted in 118–153 s
 * and soft-locked the guest's CPUs; with 512 MiB in 41 s, as a first boot does. 256 MiB did
 * too (40–43 s) but is too small for the containers' code: docker, podman and criu run 35 %
 * slower warm (3.3–3.9 s against 2.4–2.9 s; 512 MiB: 2.5 s).
 */
export function qemuArgs(i: QemuArgsInput): string[] {
  return [
    '-name',
    'seamless-lab',
    '-accel',
    'tcg,tb-size=512',
    '-cpu',
    'max,la57=off,erms=off,fsrm=off',
    '-bios',
    QBOOT,
    '-smp',
    String(i.cpus ?? VM.cpus),
    '-m',
    `${i.memoryMiB ?? VM.memoryMiB}M`,
    '-kernel',
    i.kernel,
    '-initrd',
    i.initrd,
    '-append',
    i.cmdline,
    '-drive',
    `file=${i.overlay},format=qcow2,if=virtio,cache=unsafe,discard=unmap${throttling(i.diskThrottle)}`,
    '-netdev',
    [
      `user,id=net0,hostfwd=tcp:127.0.0.1:${i.port}-:22`,
      ...(i.forwards ?? []).map((f) => `hostfwd=tcp:127.0.0.1:${f.host}-:${f.guest}`),
    ].join(','),
    '-device',
    'virtio-net-pci,netdev=net0,romfile=',
    '-serial',
    `file:${i.serialLog}`,
    '-display',
    'none',
    '-monitor',
    'none',
    '-vga',
    'none',
    '-daemonize',
    '-pidfile',
    i.pidfile,
  ];
}
