// Why: the controller and the agent run on different machines, built at different times. This
// is the one description of what may pass between them (JSON lines over stdin/stdout of an SSH
// exec channel or a local child), checked at runtime on both ends: an invalid message becomes
// an error answer, never a crash, and a version mismatch is caught by the first exchange.
import * as z from './zod';
import { hostFactsSchema } from './domain/hostFacts';
import { fileResidencySchema, inventorySchema } from './domain/inventory';
import { containersSchema } from './domain/containers';
import { preflightResultSchema } from './domain/findings';
import { planSchema } from './plan/plan';
import { upgradeIdSchema, upgradeReportSchema, upgradeSummarySchema } from './domain/upgrade';
import { journalRecordSchema } from './domain/journal';
import { dryRunMeasuresSchema } from './domain/dryRun';
import { estimateSchema } from './estimate/estimate';

/** Bumped on any incompatible change of a message below. */
export const PROTOCOL_VERSION = 2;

/** A line longer than this is refused before it is parsed (a hostile or broken peer). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
/**
 * The longest request line the agent accepts (a plan with its estimate is a few KiB). A longer
 * line is dropped as it arrives, never buffered whole: the agent's memory stays bounded.
 */
export const MAX_REQUEST_LINE_BYTES = 1024 * 1024;

export const helloParamsSchema = z.object({
  protocolVersion: z.number().check(z.int(), z.positive()),
  controller: z.string(),
});

export const helloResultSchema = z.object({
  protocolVersion: z.number().check(z.int(), z.positive()),
  agentVersion: z.string(),
  /** sha256 of the agent file that is running; the controller checks it against what it deployed. */
  buildHash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  nodeVersion: z.string(),
  pid: z.number().check(z.int(), z.positive()),
});
export type HelloResult = z.infer<typeof helloResultSchema>;

const noParams = z.strictObject({});

/** Every agent method with its params and result schema. */
export const cleanupResultSchema = z.object({
  removed: z.array(z.object({ id: z.string(), path: z.string(), bytes: z.number().check(z.nonnegative()) })),
  left: z.array(z.object({ id: z.string(), reason: z.string() })),
});

export const agentMethods = {
  hello: { params: helloParamsSchema, result: helloResultSchema },
  'host.facts': { params: noParams, result: hostFactsSchema },
  'inventory.list': {
    params: z.strictObject({
      details: z._default(z.enum(['auto', 'all', 'none']), 'auto'),
      detailPids: z.optional(z.array(z.number().check(z.int(), z.positive())).check(z.maxLength(100_000))),
    }),
    result: inventorySchema,
  },
  /** The container runtimes on the host, what each can do, and their containers (restart policy, ports, volumes, unit). */
  'containers.list': { params: noParams, result: containersSchema },
  'footprint.files': {
    params: z.strictObject({ pids: z.array(z.number().check(z.int(), z.positive())).check(z.minLength(1), z.maxLength(100_000)) }),
    result: z.array(fileResidencySchema),
  },
  'preflight.run': { params: z.strictObject({ plan: planSchema }), result: preflightResultSchema },
  /** Validates and preflights the plan, then runs the upgrade detached (a systemd unit) and answers at once. */
  /**
   * Preflight, calibration and a pre-dump round per workload (and, opted in, a trial dump that
   * leaves them running); everything written is removed, nothing is staged or kexeced.
   */
  'upgrade.dryRun': {
    params: z.strictObject({ plan: planSchema, trialDump: z._default(z.boolean(), false) }),
    result: dryRunMeasuresSchema,
  },
  'upgrade.start': {
    /** `estimate`: what the controller promised the admin; journaled with the start so the report compares with it. */
    params: z.strictObject({ plan: planSchema, estimate: z.optional(estimateSchema) }),
    result: z.object({ upgradeId: upgradeIdSchema, unit: z.string(), journal: z.string() }),
  },
  /** The files an upgrade kept beside its journal (for the report): each null when absent. */
  'upgrade.files': {
    params: z.strictObject({ id: upgradeIdSchema }),
    result: z.object({
      plan: z.nullable(planSchema),
      preflight: z.nullable(preflightResultSchema),
      report: z.nullable(upgradeReportSchema),
    }),
  },
  /** The journal records after `since` (a sequence number; 0 = all), to attach or poll. */
  'upgrade.journal': {
    params: z.strictObject({ id: upgradeIdSchema, since: z._default(z.number().check(z.int(), z.nonnegative()), 0) }),
    result: z.object({ id: upgradeIdSchema, records: z.array(journalRecordSchema), summary: upgradeSummarySchema }),
  },
  /** Every upgrade this host knows, newest first, with where each stands. */
  'upgrade.list': { params: noParams, result: z.array(upgradeSummarySchema) },
  /** Removes the images kept by ended upgrades (one, or all); running upgrades are left alone. */
  'upgrade.cleanup': {
    params: z.strictObject({ id: z.optional(upgradeIdSchema) }),
    result: cleanupResultSchema,
  },
} as const;

export type CleanupResult = z.infer<typeof cleanupResultSchema>;

export type AgentMethod = keyof typeof agentMethods;
export type AgentParams<M extends AgentMethod> = z.input<(typeof agentMethods)[M]['params']>;
export type AgentResult<M extends AgentMethod> = z.infer<(typeof agentMethods)[M]['result']>;

export function isAgentMethod(name: string): name is AgentMethod {
  return Object.prototype.hasOwnProperty.call(agentMethods, name);
}

// The envelopes of every line (shared/rpc/wire.ts, the same as the browser mode's socket). Params
// and results are checked per method after the envelope. The agent pushes no events: long work
// (the upgrade) is followed through its journal, which survives the kexec; a request can be
// cancelled with {"cancel": id}.
export {
  requestSchema,
  cancelSchema,
  toServerSchema as controllerToAgentSchema,
  toCallerSchema as agentToControllerSchema,
} from './rpc/wire';
import type { ToCaller } from './rpc/wire';
export type AgentToController = ToCaller;
