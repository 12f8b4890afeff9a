// Why: the host's facts are what an admin checks first ("is this the box I meant?") and the
// inputs of every later decision: which kernels are installed, whether CRIU and kexec can work
// here, where the image store can live, how long this host takes to boot. One schema, read by
// the agent, shown by the UI/CLI, used by preflight. Unknown values are null with the reason.
import * as z from '../zod';

const reason = z.nullable(z.string());

export const bootTimesSchema = z.object({
  kernelUsec: z.nullable(z.number()),
  initrdUsec: z.nullable(z.number()),
  userspaceUsec: z.nullable(z.number()),
  finishedAtUsec: z.nullable(z.number()),
});

export const hostFactsSchema = z.object({
  hostname: z.string(),
  kernel: z.object({
    /** As `uname -r` prints it (from /proc/sys/kernel/osrelease). */
    release: z.string(),
    /** As `uname -v` prints it (from /proc/sys/kernel/version). */
    version: z.string(),
    /** /proc/cmdline, as one string. */
    cmdline: z.string(),
  }),
  arch: z.string(),
  cpus: z.number().check(z.int(), z.positive()),
  cpuModel: z.nullable(z.string()),
  cpuFlags: z.array(z.string()),
  memory: z.object({
    totalBytes: z.number().check(z.int(), z.nonnegative()),
    availableBytes: z.nullable(z.number().check(z.int(), z.nonnegative())),
    dirtyBytes: z.number().check(z.int(), z.nonnegative()),
    writebackBytes: z.number().check(z.int(), z.nonnegative()),
  }),
  uptimeSeconds: z.number().check(z.nonnegative()),
  pmem: z.object({
    regions: z.array(z.object({ start: z.number(), end: z.number(), sizeBytes: z.number(), kind: z.enum(['legacy', 'nvdimm']) })),
    addressesHidden: z.boolean(),
    devices: z.array(z.object({ name: z.string(), sizeBytes: z.number() })),
    daxMounts: z.array(z.object({ device: z.string(), mountpoint: z.string(), fstype: z.string(), options: z.string() })),
  }),
  disks: z.array(z.object({ name: z.string(), sizeBytes: z.number(), rotational: z.nullable(z.boolean()), model: z.nullable(z.string()) })),
  bootKernels: z.array(
    z.object({
      version: z.string(),
      image: z.string(),
      initrd: z.nullable(z.string()),
      config: z.nullable(z.string()),
      running: z.boolean(),
    }),
  ),
  criu: z.object({
    version: z.nullable(z.string()),
    checkPassed: z.nullable(z.boolean()),
    /** The tail of `criu check` output, as evidence. */
    checkOutput: z.nullable(z.string()),
    features: z.record(z.string(), z.boolean()),
    reason,
  }),
  kexec: z.object({
    version: z.nullable(z.string()),
    loadDisabled: z.nullable(z.boolean()),
    lockdown: z.nullable(z.enum(['none', 'integrity', 'confidentiality'])),
    secureBoot: z.nullable(z.enum(['enabled', 'disabled', 'not-efi'])),
  }),
  systemd: z.object({
    version: z.nullable(z.number()),
    bootTimes: z.object({ current: z.nullable(bootTimesSchema), previous: z.nullable(bootTimesSchema), reason }),
  }),
  pids: z.object({
    pidMax: z.nullable(z.number().check(z.int(), z.positive())),
    /** The highest PID this boot had used by the time its services were up. */
    usedBeforeServicesUp: z.nullable(z.number().check(z.int(), z.nonnegative())),
    basis: z.string(),
  }),
});
export type HostFacts = z.infer<typeof hostFactsSchema>;
