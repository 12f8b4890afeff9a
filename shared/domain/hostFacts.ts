// Why: the host's facts are what an admin checks first ("is this the box I meant?") and the
// inputs of every later decision: which kernels are installed, whether CRIU and kexec can work
// here, where the image store can live, how long this host takes to boot. One schema, read by
// the agent, shown by the UI/CLI, used by preflight. Unknown values are null with the reason.
import { z } from 'zod';

const reason = z.string().nullable();

export const bootTimesSchema = z.object({
  kernelUsec: z.number().nullable(),
  initrdUsec: z.number().nullable(),
  userspaceUsec: z.number().nullable(),
  finishedAtUsec: z.number().nullable(),
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
  cpus: z.number().int().positive(),
  cpuModel: z.string().nullable(),
  cpuFlags: z.array(z.string()),
  memory: z.object({
    totalBytes: z.number().int().nonnegative(),
    availableBytes: z.number().int().nonnegative().nullable(),
    dirtyBytes: z.number().int().nonnegative(),
    writebackBytes: z.number().int().nonnegative(),
  }),
  uptimeSeconds: z.number().nonnegative(),
  pmem: z.object({
    regions: z.array(z.object({ start: z.number(), end: z.number(), sizeBytes: z.number(), kind: z.enum(['legacy', 'nvdimm']) })),
    addressesHidden: z.boolean(),
    devices: z.array(z.object({ name: z.string(), sizeBytes: z.number() })),
    daxMounts: z.array(z.object({ device: z.string(), mountpoint: z.string(), fstype: z.string(), options: z.string() })),
  }),
  disks: z.array(z.object({ name: z.string(), sizeBytes: z.number(), rotational: z.boolean().nullable(), model: z.string().nullable() })),
  bootKernels: z.array(
    z.object({
      version: z.string(),
      image: z.string(),
      initrd: z.string().nullable(),
      config: z.string().nullable(),
      running: z.boolean(),
    }),
  ),
  criu: z.object({
    version: z.string().nullable(),
    checkPassed: z.boolean().nullable(),
    /** The tail of `criu check` output, as evidence. */
    checkOutput: z.string().nullable(),
    features: z.record(z.string(), z.boolean()),
    reason,
  }),
  kexec: z.object({
    version: z.string().nullable(),
    loadDisabled: z.boolean().nullable(),
    lockdown: z.enum(['none', 'integrity', 'confidentiality']).nullable(),
    secureBoot: z.enum(['enabled', 'disabled', 'not-efi']).nullable(),
  }),
  systemd: z.object({
    version: z.number().nullable(),
    bootTimes: z.object({ current: bootTimesSchema.nullable(), previous: bootTimesSchema.nullable(), reason }),
  }),
  pids: z.object({
    pidMax: z.number().int().positive().nullable(),
    /** The highest PID this boot had used by the time its services were up. */
    usedBeforeServicesUp: z.number().int().nonnegative().nullable(),
    basis: z.string(),
  }),
});
export type HostFacts = z.infer<typeof hostFactsSchema>;
