// Why: a dry run is the upgrade rehearsed without downtime: preflight, calibration, one
// incremental pre-dump round pair per workload (its bytes and dirty rate) and, if the admin
// accepts a short freeze, a trial dump that leaves the workloads running. What the agent
// measured crosses the wire here; the estimate is then made by the controller, which has the
// host's history.
import * as z from '../zod';
import { preflightResultSchema } from './findings';
import { calibrationSchema, workloadTrialSchema } from '../estimate/calibration';

export const dryRunMeasuresSchema = z.object({
  preflight: preflightResultSchema,
  calibration: calibrationSchema,
  trials: z.array(workloadTrialSchema),
  /** What the dry run wrote and then removed. */
  removed: z.array(z.string()),
  /** Anything not measured, and why (a failed round's evidence, a blocked plan). */
  notes: z.array(z.string()),
  durationMs: z.number().check(z.nonnegative()),
});
export type DryRunMeasures = z.infer<typeof dryRunMeasuresSchema>;
