// Why: preflight's answer. Each finding says how bad it is (block: the plan cannot start; warn:
// it can, with a risk the admin should accept knowingly; info: what will happen), which workload
// it concerns, what was seen (evidence) and what to do (fix). Stable ids let the UI and the
// report refer to the same finding.
import * as z from '../zod';

export const findingSchema = z.object({
  id: z.string(),
  severity: z.enum(['block', 'warn', 'info']),
  workload: z.optional(z.string()),
  message: z.string(),
  evidence: z.string(),
  fix: z.string(),
});
export type Finding = z.infer<typeof findingSchema>;

export const preflightResultSchema = z.object({
  findings: z.array(findingSchema),
  /** The CRIU options each selected workload needs, derived from what preflight saw. */
  criuOptions: z.record(z.string(), z.array(z.string())),
  /** Estimated bytes of images the checkpoint will write (anonymous + shmem + margin). */
  estimatedImageBytes: z.number().check(z.nonnegative()),
  canStart: z.boolean(),
  /** The kernel command line today, and the one the new kernel will boot with (absent in older answers). */
  bootCmdline: z.optional(z.object({ current: z.string(), next: z.string() })),
});
export type PreflightResult = z.infer<typeof preflightResultSchema>;

/**
 * What the admin writes in the plan's `acknowledge` to accept one blocking finding: its id and the
 * workload it is about (`workload.device@unit:x.service`), so accepting it for one workload accepts
 * nothing for another; a finding about the host or the plan is accepted by its id alone.
 */
export const acknowledgementOf = (f: Pick<Finding, 'id' | 'workload'>): string => (f.workload ? `${f.id}@${f.workload}` : f.id);

/** Whether the plan accepts a finding: for that workload, or (as plans written before said it) for every workload. */
export const isAcknowledged = (f: Pick<Finding, 'id' | 'workload'>, acknowledge: readonly string[]): boolean =>
  acknowledge.includes(acknowledgementOf(f)) || acknowledge.includes(f.id);
