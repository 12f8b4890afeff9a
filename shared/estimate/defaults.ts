// Why: what the estimate assumes when nothing was measured. Each figure was fitted on the lab
// (QEMU TCG, 2 vCPUs: a slow machine, so these err long on real hardware) from the upgrades of
// process trees of 64 MiB to 1 GiB and of redis; every use of one is reported as a default and
// widens the range (see range.ts).
export const DEFAULTS = {
  /** Store bandwidth when the store was not calibrated. */
  storeWriteBytesPerS: 400e6,
  storeReadBytesPerS: 800e6,
  /** Dirty page cache to the root disk. */
  flushBytesPerS: 100e6,
  /** sha256 of the images (Node's crypto; ~50 MB/s under TCG, 1–2 GB/s on CPUs with SHA extensions). */
  hashBytesPerS: 200e6,
  /** CRIU's dump (page copying through the parasite) as a share of the store's write bandwidth. */
  dumpShareOfStoreWrite: 0.35,
  /** CRIU's restore (page copying into the new tasks) as a share of the store's read bandwidth. */
  restoreShareOfStoreRead: 0.2,
  /** Fixed cost of one `criu dump` / `criu restore` run, and per process in it. */
  dumpBaseMs: 300,
  dumpPerProcessMs: 30,
  restoreBaseMs: 1200,
  restorePerProcessMs: 60,
  /** Per memory mapping and per open file descriptor, dumped and then restored (reopened). */
  perMappingMs: 0.3,
  perFdMs: 0.5,
  /** Fixed cost of writing the manifest at the freeze (listing, fsync), on top of hashing. */
  manifestBaseMs: 500,
  /** Share of a workload's memory it dirties between the last pre-dump round and the freeze. */
  dirtyShareAtFreeze: 0.05,
  /** sync, unmount and `kexec -e` with little dirty data; `systemctl kexec` also stops every other service. */
  kexecJumpMs: 1500,
  systemctlStopMs: 20_000,
  /** When systemd logged no boot times. */
  kernelBootMs: 10_000,
  userspaceMs: 30_000,
  /** The restore hook runs early: this share of the userspace boot passes before it starts. */
  hookShareOfUserspace: 0.5,
  /** Handing one service back to systemd (adopt helper, daemon-reload). */
  handBackPerServiceMs: 3000,
  /** Reading page cache back (rewarm), from the root disk. */
  rewarmBytesPerS: 150e6,
} as const;
