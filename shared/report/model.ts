// Why: the report puts what was promised beside what happened, for one upgrade: the host, both
// kernels, the plan and its findings, every phase with its estimated range and its measurement,
// the workloads before and after, the outcome, and the evidence of anything that failed. One
// versioned model; JSON, Markdown, HTML and PDF are renderings of it (render*.ts), so they can
// never disagree. It is stored on the controller as the host's history.
import * as z from '../zod';
import { findingSchema } from '../domain/findings';
import { outcomeSchema, recordedErrorSchema, targetKernelSchema } from '../domain/journal';
import { ESTIMATE_PHASES } from '../estimate/estimate';
import { planSchema } from '../plan/plan';

export const REPORT_VERSION = 1;

const nonneg = () => z.number().check(z.nonnegative());
const ms = () => z.nullable(nonneg());
export const reportRangeSchema = z.object({ lowMs: nonneg(), midMs: nonneg(), highMs: nonneg() });

export const reportSchema = z.object({
  version: z.literal(REPORT_VERSION),
  generatedAt: z.string(),
  host: z.object({ id: z.string(), hostname: z.nullable(z.string()) }),
  upgradeId: z.string(),
  startedAt: z.nullable(z.string()),
  /** null while the upgrade is still running. */
  outcome: z.nullable(outcomeSchema),
  kernels: z.object({ before: z.nullable(z.string()), after: z.nullable(z.string()), target: z.nullable(targetKernelSchema) }),
  plan: z.nullable(planSchema),
  findings: z.array(findingSchema),
  phases: z.array(
    z.object({
      phase: z.enum(ESTIMATE_PHASES),
      estimate: z.nullable(reportRangeSchema),
      measuredMs: ms(),
      /** false when the phase failed; null when it did not run. */
      ok: z.nullable(z.boolean()),
      error: z.nullable(recordedErrorSchema),
    }),
  ),
  /** Freeze → every workload restored: promised and measured. */
  blackout: z.object({
    estimate: z.nullable(reportRangeSchema),
    measuredMs: ms(),
    /** Dirty and writeback page cache when the freeze began: what the freeze's sync had left to write (absent in older reports). */
    dirtyBytesAtFreeze: z.optional(z.nullable(nonneg())),
    /**
     * A lazy restore: after the blackout the trees ran degraded until every page was back (ms), and
     * waited for this many pages meanwhile (faults); eagerBytes were restored before they ran, as
     * an eager restore would (what lazy restore cannot serve). Absent or null: eager (or older reports).
     */
    degraded: z.optional(z.nullable(z.object({ ms: ms(), faults: nonneg(), eagerBytes: z.optional(z.nullable(nonneg())) }))),
  }),
  untilSsh: z.object({ estimate: z.nullable(reportRangeSchema) }),
  /** Inputs of the estimate that were defaults rather than measurements. */
  estimateDefaults: z.array(z.string()),
  workloads: z.array(
    z.object({
      selector: z.string(),
      before: z.object({
        rootPid: z.nullable(z.number()),
        processes: z.nullable(z.number()),
        bytes: z.nullable(nonneg()),
        rssBytes: z.nullable(nonneg()),
      }),
      after: z.object({
        /** null: the upgrade did not get as far as a restore. */
        restored: z.nullable(z.boolean()),
        processes: z.nullable(z.number()),
        bytesDumped: z.nullable(nonneg()),
        rssBytes: z.nullable(nonneg()),
        handedBackTo: z.nullable(z.string()),
      }),
    }),
  ),
  /** Every record that carries an error, with the tool's evidence (CRIU's log tail). */
  evidence: z.array(
    z.object({
      seq: z.number(),
      at: z.string(),
      phase: z.string(),
      state: z.string(),
      message: z.string(),
      code: z.string(),
      evidence: z.nullable(z.string()),
    }),
  ),
});
export type Report = z.infer<typeof reportSchema>;
export type ReportRange = z.infer<typeof reportRangeSchema>;
