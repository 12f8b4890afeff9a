// Why: what an admin sees of a host before deciding what to carry across a kernel upgrade:
// every process, grouped into the workloads they think in (services, containers, sessions,
// other trees), with memory and page-cache footprints. The agent fills it; UI and CLI show it.
import * as z from '../zod';

export const memoryFootprintSchema = z.object({
  rssBytes: z.number().check(z.nonnegative()),
  /** null where smaps_rollup was not read (see Inventory.detail) or could not be. */
  pssBytes: z.nullable(z.number().check(z.nonnegative())),
  anonBytes: z.number().check(z.nonnegative()),
  fileBytes: z.number().check(z.nonnegative()),
  shmemBytes: z.number().check(z.nonnegative()),
  swapBytes: z.number().check(z.nonnegative()),
});
export type MemoryFootprint = z.infer<typeof memoryFootprintSchema>;

export const namespacesSchema = z.object({
  pid: z.nullable(z.string()),
  mnt: z.nullable(z.string()),
  net: z.nullable(z.string()),
  user: z.nullable(z.string()),
});

export const processInfoSchema = z.object({
  pid: z.number().check(z.int(), z.positive()),
  ppid: z.number().check(z.int(), z.nonnegative()),
  comm: z.string(),
  /** argv, each argument as UTF-8 with invalid bytes replaced; bounded (see cmdlineTruncated). */
  cmdline: z.array(z.string()),
  cmdlineTruncated: z.boolean(),
  uid: z.nullable(z.number().check(z.int(), z.nonnegative())),
  user: z.nullable(z.string()),
  /** Seconds since the epoch. */
  startTime: z.number().check(z.nonnegative()),
  state: z.string(),
  threads: z.number().check(z.int(), z.nonnegative()),
  /** Session id (stat field 6). */
  sid: z.number().check(z.int(), z.nonnegative()),
  /** tty_nr from stat: non-zero means a controlling terminal. */
  ttyNr: z.number().check(z.int()),
  tracerPid: z.number().check(z.int(), z.nonnegative()),
  cgroup: z.nullable(z.string()),
  namespaces: namespacesSchema,
  kernelThread: z.boolean(),
  memory: z.nullable(memoryFootprintSchema),
  mappings: z.nullable(z.number().check(z.int(), z.nonnegative())),
  openFds: z.nullable(z.number().check(z.int(), z.nonnegative())),
});
export type ProcessInfo = z.infer<typeof processInfoSchema>;

export const WORKLOAD_KINDS = ['service', 'container', 'session', 'user-service', 'tree'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export const cgroupPageCacheSchema = z.object({
  fileBytes: z.number().check(z.nonnegative()),
  fileDirtyBytes: z.number().check(z.nonnegative()),
  fileWritebackBytes: z.number().check(z.nonnegative()),
  activeFileBytes: z.number().check(z.nonnegative()),
  inactiveFileBytes: z.number().check(z.nonnegative()),
});
export type CgroupPageCache = z.infer<typeof cgroupPageCacheSchema>;

export const workloadSchema = z.object({
  /** Stable selector: `unit:NAME`, `container:NAME`, `session:ID`, `user-unit:UID/NAME`, `pid:N`. */
  id: z.string(),
  kind: z.enum(WORKLOAD_KINDS),
  name: z.string(),
  runtime: z.nullable(z.enum(['systemd', 'docker', 'podman', 'containerd', 'lxc'])),
  image: z.nullable(z.string()),
  containerId: z.nullable(z.string()),
  cgroup: z.nullable(z.string()),
  /** The process the tree hangs from (lowest PID whose parent is outside the workload). */
  rootPid: z.number().check(z.int(), z.positive()),
  pids: z.array(z.number().check(z.int(), z.positive())),
  memory: memoryFootprintSchema,
  pageCache: z.union([
    z.object({ known: z.literal(true), cgroup: cgroupPageCacheSchema }),
    z.object({ known: z.literal(false), reason: z.string() }),
  ]),
});
export type Workload = z.infer<typeof workloadSchema>;

export const scanProblemSchema = z.object({ pid: z.nullable(z.number().check(z.int())), what: z.string(), reason: z.string() });

export const inventorySchema = z.object({
  scannedAt: z.number(),
  processes: z.array(processInfoSchema),
  workloads: z.array(workloadSchema),
  host: z.object({ dirtyBytes: z.number().check(z.nonnegative()), writebackBytes: z.number().check(z.nonnegative()) }),
  /** Whether the costly per-process reads (PSS, mappings, fds, namespaces) were made for all. */
  detail: z.object({ level: z.enum(['full', 'basic']), reason: z.nullable(z.string()) }),
  /** What could not be read, and why (processes that exited mid-scan are not problems). */
  problems: z.array(scanProblemSchema),
});
export type Inventory = z.infer<typeof inventorySchema>;

export const fileResidencySchema = z.object({
  path: z.string(),
  sizeBytes: z.nullable(z.number().check(z.nonnegative())),
  residentBytes: z.nullable(z.number().check(z.nonnegative())),
  /** Why residentBytes is null (fincore missing, not permitted, …). */
  unknownReason: z.nullable(z.string()),
});
export type FileResidency = z.infer<typeof fileResidencySchema>;

/** Sums members' footprints; PSS is known only when known for every member that has memory. */
export function sumFootprints(members: readonly Pick<ProcessInfo, 'memory'>[]): MemoryFootprint {
  const sum: MemoryFootprint = { rssBytes: 0, pssBytes: 0, anonBytes: 0, fileBytes: 0, shmemBytes: 0, swapBytes: 0 };
  for (const { memory: m } of members) {
    if (!m) continue;
    sum.rssBytes += m.rssBytes;
    sum.pssBytes = sum.pssBytes === null || m.pssBytes === null ? null : sum.pssBytes + m.pssBytes;
    sum.anonBytes += m.anonBytes;
    sum.fileBytes += m.fileBytes;
    sum.shmemBytes += m.shmemBytes;
    sum.swapBytes += m.swapBytes;
  }
  return sum;
}
