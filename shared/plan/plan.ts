// Why: a plan is what the admin decided: which workloads to carry, into which kernel, through
// which image store, with which options. The UI saves it, the CLI makes it (`seamless plan`),
// preflight checks it, the upgrade executes it. Versioned: an old plan file is read or refused
// with a clear message, never misread.
import * as z from '../zod';
import { SELECTOR_HINT, SELECTOR_PATTERN } from './selector';

export const PLAN_VERSION = 1;

/** `pid:N`, `unit:NAME`, `container:NAME`, `session:ID`, `user-unit:UID/NAME` (see selector.ts). */
export const selectorSchema = z.string().check(z.regex(SELECTOR_PATTERN, SELECTOR_HINT));

export const storeSchema = z.discriminatedUnion('kind', [
  /** A filesystem on a persistent-memory block device (memmap= reservation or NVDIMM); survives kexec. */
  z.object({
    kind: z.literal('pmem'),
    device: z._default(z.string().check(z.regex(/^\/dev\/pmem\d+$/)), '/dev/pmem0'),
  }),
  /** A directory on disk: works everywhere, costs a write and a read of every image byte. */
  z.object({ kind: z.literal('dir'), path: z.string().check(z.startsWith('/')) }),
]);
export type Store = z.infer<typeof storeSchema>;

/** How the upgrade runs; every field has a default, so a plan may leave any of them out. */
export const planOptionsSchema = z.object({
  /** direct: sync, unmount, `kexec -e` (seconds); systemctl: orderly `systemctl kexec` (stops every other service first). */
  kexecMode: z._default(z.enum(['direct', 'systemctl']), 'direct'),
  preDump: z._default(z.boolean(), true),
  /**
   * After a failed restore (and one safer retry): start the held services cold (default), or
   * kexec back to the old kernel and restore every workload there from the same images (once;
   * if that fails too, they start cold there). Cold start is the default because most restore
   * failures (a missing file, a taken PID) repeat on the old kernel, and going back costs
   * every workload another boot of blackout; choose kexec-back when the new kernel is the doubt.
   */
  onRestoreFailure: z._default(z.enum(['kexec-back', 'cold-start']), 'cold-start'),
  /**
   * When one workload's dump fails: stop the upgrade (default: CRIU resumes that one, the ones
   * already dumped come back in place, nothing is kexeced), or carry on without it: it keeps
   * running until the jump and does not survive it (a service then starts cold on the new
   * kernel; any other workload is lost). Choosing skip is the admin's acceptance of that.
   */
  onDumpFailure: z._default(z.enum(['abort', 'skip']), 'abort'),
  /**
   * Blocking preflight findings the admin has read and accepts, one by one, each for one workload
   * (`workload.perf-event@pid:4242`) or, for a finding about the host or the plan, by its id alone
   * (`store.foreign-filesystem`); there is no "ignore all". A bare workload finding id accepts it
   * for every workload (plans written before per-workload acknowledgements).
   */
  acknowledge: z._default(z.array(z.string().check(z.regex(/^[a-z]+\.[a-z-]+(@[a-z]+:[^\s@]+)?$/))), []),
  /**
   * Keep the images after every workload was restored (for a post-mortem). By default they are
   * removed then: they hold the workloads' memory. After a fallback they are always kept
   * (`seamless cleanup` removes them).
   */
  keepImages: z._default(z.boolean(), false),
  /**
   * Read back, after the restore, the page cache the workloads had resident before the freeze
   * (in the background, outside the blackout). Off only to measure what it is worth.
   */
  rewarm: z._default(z.boolean(), true),
  /**
   * How a process tree's memory comes back on the new boot. eager (default): CRIU copies every
   * page before the tree runs again. lazy: the tree runs as soon as its metadata is restored and
   * takes its pages from the images on demand (CRIU's lazy-pages daemon, userfaultfd), the rest
   * pushed in the background; the blackout no longer grows with memory, a "degraded" window
   * follows until every page is back. A lazy tree gets one pre-dump round (its daemon serves that
   * round's pages; what changed after it is restored before the tree runs); containers are always
   * restored eagerly by their runtimes.
   */
  restoreMode: z._default(z.enum(['eager', 'lazy']), 'eager'),
});
export type PlanOptions = z.infer<typeof planOptionsSchema>;
export const PLAN_OPTION_DEFAULTS: PlanOptions = {
  kexecMode: 'direct',
  preDump: true,
  onRestoreFailure: 'cold-start',
  onDumpFailure: 'abort',
  acknowledge: [],
  keepImages: false,
  rewarm: true,
  restoreMode: 'eager',
};

export const planSchema = z.object({
  version: z.literal(PLAN_VERSION),
  host: z.string().check(z.minLength(1)),
  createdAt: z.string(),
  workloads: z.array(selectorSchema).check(z.minLength(1, 'select at least one workload')),
  kernel: z.object({
    /** The release (`6.1.0-50-amd64`) when it comes from /boot; null for an image given by path. */
    release: z.nullable(z.string()),
    image: z.string().check(z.startsWith('/')),
    initrd: z.nullable(z.string().check(z.startsWith('/'))),
    /** null: today's command line without an earlier seamless.restore, plus the store reservation. */
    cmdline: z.nullable(z.string()),
  }),
  store: storeSchema,
  options: z._default(planOptionsSchema, PLAN_OPTION_DEFAULTS),
});
export type Plan = z.infer<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;

/** Parses a plan file's text with messages that say which field is wrong. */
export function parsePlan(text: string): { ok: true; plan: Plan } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `the plan is not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  if (typeof json === 'object' && json !== null && 'version' in json && json.version !== PLAN_VERSION) {
    return { ok: false, message: `the plan has version ${String(json.version)}; this Seamless reads version ${PLAN_VERSION}` };
  }
  const parsed = planSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.') || '(plan)'}: ${i.message}`).join('; ') };
  }
  return { ok: true, plan: parsed.data };
}
