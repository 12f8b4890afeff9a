// Why: the host's basic facts are what an admin checks first ("is this the box I meant?") and
// the inputs of every later decision. One schema, read by the agent and shown by the UI/CLI.
import { z } from 'zod';

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
  cpus: z.number().int().positive(),
  cpuModel: z.string().nullable(),
  memory: z.object({
    totalBytes: z.number().int().nonnegative(),
    availableBytes: z.number().int().nonnegative().nullable(),
  }),
  uptimeSeconds: z.number().nonnegative(),
});
export type HostFacts = z.infer<typeof hostFactsSchema>;
