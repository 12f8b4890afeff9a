// Why: everything that decides what is inside the lab image lives here, in one
// place, and this file is part of the recipe hash: change a package, a kernel or
// a unit list and the next `build` makes a new image instead of reusing the old.

/**
 * The two kernels of the lab: the guest boots `boot`; `target` is installed
 * beside it as the upgrade target. This is the ONE place their names live.
 * Both were checked with `apt-cache policy` against this machine's mirror
 * (6.1.0-47: 6.1.170-3, 6.1.0-50: 6.1.176-1). If the mirror loses one,
 * `build` falls back to the two newest 6.1.0-N-amd64 images and says so.
 */
export const LAB_KERNELS = { boot: '6.1.0-47-amd64', target: '6.1.0-50-amd64' } as const;

export interface KernelPair {
  boot: string;
  target: string;
}

export const SUITE = 'bookworm';

/** Installed by `debootstrap --variant=minbase --include=...` (no Recommends). */
export const BASE_PACKAGES: readonly string[] = [
  // a real init and the pieces a server has
  'systemd',
  'systemd-sysv',
  'udev',
  'dbus',
  'libpam-systemd',
  'kmod',
  'initramfs-tools',
  'procps',
  'psmisc',
  'iproute2',
  'iptables',
  'util-linux',
  'e2fsprogs',
  'openssh-server',
  // what Seamless drives on the target
  'criu',
  'kexec-tools',
  'ndctl',
  'nodejs',
  // workloads
  'redis-server',
  'redis-tools',
  // container runtimes (issue 16): podman (rootful, CNI networking) and docker; their test image is
  // made inside the lab from lab-kv (lab-container-images), no registry needed
  'podman',
  'containernetworking-plugins',
  'docker.io',
  // dockerd refuses to start containers without apparmor_parser on an AppArmor kernel
  'apparmor',
];

/** Installed in a second step, after the initramfs is configured to be small. */
export function kernelPackages(k: KernelPair): string[] {
  return [`linux-image-${k.boot}`, `linux-image-${k.target}`];
}

/**
 * initramfs-tools MODULES=list: only what mounting /dev/vda as ext4 needs
 * (about 7 MB instead of 37 MB with MODULES=most; TCG unpacks it slowly).
 */
export const INITRAMFS_MODULES: readonly string[] = ['virtio_pci', 'virtio_blk', 'ext4', 'crc32c'];

/**
 * Loaded after boot by systemd-modules-load: the memmap= region becomes
 * /dev/pmem0. (ndctl's modprobe hook keeps libnvdimm out of the initrd anyway.)
 */
export const PMEM_MODULES: readonly string[] = ['nd_e820', 'nd_pmem'];

/** Size of the default lab-memload instance. */
export const MEMLOAD_DEFAULT_SIZE = '256M';

export const ENABLED_UNITS: readonly string[] = [
  'systemd-networkd.service',
  'ssh.service',
  'redis-server.service',
  `lab-memload@${MEMLOAD_DEFAULT_SIZE}.service`,
];
// Not enabled: lab-redis-fill.service. Loading 50,000 keys took 29 s of the guest's CPU on every
// boot (kexec and reset boots too), behind boot-to-ready and beside every restore; the cases that
// need the dataset (the smoke case, the lazy redis case) start it.

/**
 * Units that cost boot time or do surprising things in a throwaway VM. The
 * kexec-tools SysV scripts (seen by systemd as kexec-load.service and
 * kexec.service) would `kexec -l` Debian's default kernel at shutdown and so
 * replace whatever Seamless staged; systemd's own `systemctl kexec` is unaffected.
 */
export const MASKED_UNITS: readonly string[] = [
  'apt-daily.timer',
  'apt-daily.service',
  'apt-daily-upgrade.timer',
  'apt-daily-upgrade.service',
  'man-db.timer',
  'man-db.service',
  'dpkg-db-backup.timer',
  'dpkg-db-backup.service',
  'e2scrub_all.timer',
  'e2scrub_all.service',
  'e2scrub_reap.service',
  'fstrim.timer',
  'fstrim.service',
  'logrotate.timer',
  'logrotate.service',
  'systemd-networkd-wait-online.service',
  'systemd-firstboot.service',
  'getty@tty1.service',
  'kexec-load.service',
  'kexec.service',
  // ndctl's monitor finds no DIMMs behind a memmap= region and fails the boot ("degraded")
  'ndctl-monitor.service',
  // podman's daily timer fired on every boot (a fresh VM never ran it): 12 s of CPU beside the boot
  'podman-auto-update.timer',
  'podman-auto-update.service',
];

/**
 * Enabled by their packages, disabled here: docker and containerd would start on every boot, add
 * their iptables chains and bridges to every upgrade's network lock, and cost boot time. The
 * container tests start them.
 */
export const DISABLED_UNITS: readonly string[] = ['docker.service', 'docker.socket', 'containerd.service'];

export const HOSTNAME = 'seamless-lab';

/** Statically linked on the host (`gcc -O2 -static`) and copied into the image. */
export const GUEST_BINARIES: readonly { source: string; dest: string }[] = [
  { source: 'memload.c', dest: '/usr/local/bin/lab-memload' },
  { source: 'memload-tree.c', dest: '/usr/local/bin/lab-memload-tree' },
  { source: 'redis-gen.c', dest: '/usr/local/bin/lab-redis-gen' },
  { source: 'kv.c', dest: '/usr/local/bin/lab-kv' },
];

/** Free space left in the ext4 image beyond what the root filesystem uses. */
export const IMAGE_HEADROOM_MIB = 1536;

/** Appended to Debian's /etc/redis/redis.conf (later lines win). */
export const REDIS_CONF_OVERRIDES = `
# --- seamless lab ---
# No persistence: after a kexec the data can only come back through CRIU.
save ""
appendonly no
bind 127.0.0.1
protected-mode yes
# DEBUG DIGEST from 127.0.0.1, so tests can compare the whole dataset.
enable-debug-command local
`;
