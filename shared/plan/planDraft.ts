// Why: the UI and `seamless plan` ask for a plan the same way, with what the admin chose (the
// workloads, the kernel by release or path, the store, the options); the controller resolves it
// against the host's facts and inventory (`plan.build`) and answers with the one Plan shape
// that preflight and the upgrade read. The UI keeps exactly this in its draft.
import * as z from '../zod';
import { planOptionsSchema, selectorSchema } from './plan';

export const planDraftSchema = z.object({
  selectors: z.array(selectorSchema).check(z.minLength(1, 'select at least one workload'), z.maxLength(10_000)),
  /** A release from /boot (`6.1.0-50-amd64`) or an absolute path to an image. */
  kernel: z.string().check(z.minLength(1), z.maxLength(4096)),
  initrd: z.optional(z.string().check(z.startsWith('/'), z.maxLength(4096))),
  cmdline: z.optional(z.string().check(z.maxLength(4096))),
  /** `pmem` (the host's first pmem device; the default), `/dev/pmemN`, or an absolute directory. */
  store: z.optional(z.string().check(z.minLength(1), z.maxLength(4096))),
  options: z.optional(z.partial(planOptionsSchema)),
});
export type PlanDraft = z.infer<typeof planDraftSchema>;
