// Why: what the estimate assumes where nothing was measured. Fixed costs are CPU-bound (CRIU's
// per-run and per-object work, the kexec jump: sync, purgatory's checksum, the new kernel's
// decompression), so they are given for a reference CPU and scaled by how much slower this host
// hashes than that reference (its measured sha256 rate). They were fitted on the lab (QEMU TCG, 2
// vCPUs, which hashes ~17× slower than the reference) from upgrades of process trees of 64 MiB to
// 1 GiB and of redis. Every use of one is reported as a default and widens the range (range.ts).
export const DEFAULTS = {
  /** Store bandwidth when the store was not calibrated. */
  storeWriteBytesPerS: 400e6,
  storeReadBytesPerS: 800e6,
  /** Dirty page cache to the root disk. */
  flushBytesPerS: 100e6,
  /** sha256 of the images when not measured (Node's crypto without SHA extensions). */
  hashBytesPerS: 400e6,
  /** The reference CPU's sha256 rate: fixed costs below are for a CPU that hashes this fast. */
  referenceHashBytesPerS: 400e6,
  /** CRIU's dump (page copying through the parasite) as a share of the store's write bandwidth. */
  dumpShareOfStoreWrite: 0.5,
  /** CRIU's restore (page copying into the new tasks) as a share of the store's read bandwidth. */
  restoreShareOfStoreRead: 0.25,
  /** At the reference CPU: one `criu dump` / `criu restore` run, and per process in it. */
  dumpBaseMs: 25,
  dumpPerProcessMs: 2,
  restoreBaseMs: 35,
  restorePerProcessMs: 4,
  /** At the reference CPU: per memory mapping and per open file descriptor, dumped and restored. */
  perMappingMs: 0.02,
  perFdMs: 0.03,
  /** At the reference CPU: writing the manifest at the freeze (listing, fsync), on top of hashing. */
  manifestBaseMs: 90,
  /** At the reference CPU: checking one workload's images against its manifest, on top of hashing. */
  imageCheckBaseMs: 120,
  /** Share of a workload's memory it dirties between the last pre-dump round and the freeze. */
  dirtyShareAtFreeze: 0.05,
  /** At the reference CPU: sync, unmount, `kexec -e`, purgatory and the new kernel's decompression. */
  kexecJumpMs: 850,
  /** `systemctl kexec` also stops every other service first. */
  systemctlStopMs: 20_000,
  /** When systemd logged no boot times. */
  kernelBootMs: 10_000,
  userspaceMs: 30_000,
  /** The restore hook runs early, but after the journal and local filesystems: this share of userspace passes first. */
  hookShareOfUserspace: 0.85,
  /** At the reference CPU: handing one service back to systemd (adopt helper, daemon-reload). */
  handBackPerServiceMs: 300,
  /**
   * At the reference CPU: a container runtime's own steps around CRIU (podman/docker CLI, runc,
   * conmon/shim, network namespace), per container, at the checkpoint and at the restore; and the
   * wait from the boot hook to the containers' restore (the boot goes on; dockerd starts).
   * Fitted on the lab's podman and docker upgrades of 16 MiB lab-kv containers (issue 16): beyond
   * the same server's plain-process dump and restore, podman's checkpoint took 5.5 s more and
   * docker's 9.4 s; podman's restore 25.5 s more (network, conmon, AppArmor) and docker's 14.5 s;
   * the containers' turn came about 20 s after the boot hook's (÷ 17, the lab's CPU factor).
   */
  containerCheckpointMs: 450,
  containerRestoreMs: 1200,
  containerStageMs: 1200,
  /** Reading page cache back (rewarm), from the root disk. */
  rewarmBytesPerS: 150e6,
  /** The CPU factor is kept within these bounds (a wildly off hash rate must not wreck the estimate). */
  cpuFactorMin: 0.25,
  cpuFactorMax: 50,
} as const;
