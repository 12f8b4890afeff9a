// Why: what an admin sees of a host before deciding what to carry across a kernel upgrade:
// every process, grouped into the workloads they think in (services, containers, sessions,
// other trees), with memory and page-cache footprints. The agent fills it; UI and CLI show it.
import { z } from 'zod';

export const memoryFootprintSchema = z.object({
  rssBytes: z.number().nonnegative(),
  /** null where smaps_rollup was not read (see Inventory.detail) or could not be. */
  pssBytes: z.number().nonnegative().nullable(),
  anonBytes: z.number().nonnegative(),
  fileBytes: z.number().nonnegative(),
  shmemBytes: z.number().nonnegative(),
  swapBytes: z.number().nonnegative(),
});
export type MemoryFootprint = z.infer<typeof memoryFootprintSchema>;

export const namespacesSchema = z.object({
  pid: z.string().nullable(),
  mnt: z.string().nullable(),
  net: z.string().nullable(),
  user: z.string().nullable(),
});

export const processInfoSchema = z.object({
  pid: z.number().int().positive(),
  ppid: z.number().int().nonnegative(),
  comm: z.string(),
  /** argv, each argument as UTF-8 with invalid bytes replaced; bounded (see cmdlineTruncated). */
  cmdline: z.array(z.string()),
  cmdlineTruncated: z.boolean(),
  uid: z.number().int().nonnegative().nullable(),
  user: z.string().nullable(),
  /** Seconds since the epoch. */
  startTime: z.number().nonnegative(),
  state: z.string(),
  threads: z.number().int().nonnegative(),
  /** Session id (stat field 6). */
  sid: z.number().int().nonnegative(),
  /** tty_nr from stat: non-zero means a controlling terminal. */
  ttyNr: z.number().int(),
  tracerPid: z.number().int().nonnegative(),
  cgroup: z.string().nullable(),
  namespaces: namespacesSchema,
  kernelThread: z.boolean(),
  memory: memoryFootprintSchema.nullable(),
  mappings: z.number().int().nonnegative().nullable(),
  openFds: z.number().int().nonnegative().nullable(),
});
export type ProcessInfo = z.infer<typeof processInfoSchema>;

export const WORKLOAD_KINDS = ['service', 'container', 'session', 'user-service', 'tree'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

export const cgroupPageCacheSchema = z.object({
  fileBytes: z.number().nonnegative(),
  fileDirtyBytes: z.number().nonnegative(),
  fileWritebackBytes: z.number().nonnegative(),
  activeFileBytes: z.number().nonnegative(),
  inactiveFileBytes: z.number().nonnegative(),
});
export type CgroupPageCache = z.infer<typeof cgroupPageCacheSchema>;

export const workloadSchema = z.object({
  /** Stable selector: `unit:NAME`, `container:NAME`, `session:ID`, `user-unit:UID/NAME`, `pid:N`. */
  id: z.string(),
  kind: z.enum(WORKLOAD_KINDS),
  name: z.string(),
  runtime: z.enum(['systemd', 'docker', 'podman', 'containerd', 'lxc']).nullable(),
  image: z.string().nullable(),
  containerId: z.string().nullable(),
  cgroup: z.string().nullable(),
  /** The process the tree hangs from (lowest PID whose parent is outside the workload). */
  rootPid: z.number().int().positive(),
  pids: z.array(z.number().int().positive()),
  memory: memoryFootprintSchema,
  pageCache: z.union([
    z.object({ known: z.literal(true), cgroup: cgroupPageCacheSchema }),
    z.object({ known: z.literal(false), reason: z.string() }),
  ]),
});
export type Workload = z.infer<typeof workloadSchema>;

export const scanProblemSchema = z.object({ pid: z.number().int().nullable(), what: z.string(), reason: z.string() });

export const inventorySchema = z.object({
  scannedAt: z.number(),
  processes: z.array(processInfoSchema),
  workloads: z.array(workloadSchema),
  host: z.object({ dirtyBytes: z.number().nonnegative(), writebackBytes: z.number().nonnegative() }),
  /** Whether the costly per-process reads (PSS, mappings, fds, namespaces) were made for all. */
  detail: z.object({ level: z.enum(['full', 'basic']), reason: z.string().nullable() }),
  /** What could not be read, and why (processes that exited mid-scan are not problems). */
  problems: z.array(scanProblemSchema),
});
export type Inventory = z.infer<typeof inventorySchema>;

export const fileResidencySchema = z.object({
  path: z.string(),
  sizeBytes: z.number().nonnegative().nullable(),
  residentBytes: z.number().nonnegative().nullable(),
  /** Why residentBytes is null (fincore missing, not permitted, …). */
  unknownReason: z.string().nullable(),
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
