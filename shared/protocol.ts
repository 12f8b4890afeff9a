// Why: the controller and the agent run on different machines, built at different times. This
// is the one description of what may pass between them (JSON lines over stdin/stdout of an SSH
// exec channel or a local child), checked at runtime on both ends: an invalid message becomes
// an error answer, never a crash, and a version mismatch is caught by the first exchange.
import * as z from './zod';
import { errorInfoSchema } from './errors';
import { hostFactsSchema } from './domain/hostFacts';
import { fileResidencySchema, inventorySchema } from './domain/inventory';
import { preflightResultSchema } from './domain/findings';
import { planSchema } from './plan/plan';
import { upgradeIdSchema, upgradeSummarySchema } from './domain/upgrade';
import { journalRecordSchema } from './domain/journal';

/** Bumped on any incompatible change of a message below. */
export const PROTOCOL_VERSION = 1;

/** A line longer than this is refused before it is parsed (a hostile or broken peer). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

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
  capabilities: z.array(z.string()),
});
export type HelloResult = z.infer<typeof helloResultSchema>;

const noParams = z.strictObject({});

/** Every agent method with its params and result schema. */
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
  'footprint.files': {
    params: z.strictObject({ pids: z.array(z.number().check(z.int(), z.positive())).check(z.minLength(1), z.maxLength(100_000)) }),
    result: z.array(fileResidencySchema),
  },
  'preflight.run': { params: z.strictObject({ plan: planSchema }), result: preflightResultSchema },
  /** Validates and preflights the plan, then runs the upgrade detached (a systemd unit) and answers at once. */
  'upgrade.start': {
    params: z.strictObject({ plan: planSchema }),
    result: z.object({ upgradeId: upgradeIdSchema, unit: z.string(), journal: z.string() }),
  },
  /** The journal records after `since` (a sequence number; 0 = all), to attach or poll. */
  'upgrade.journal': {
    params: z.strictObject({ id: upgradeIdSchema, since: z._default(z.number().check(z.int(), z.nonnegative()), 0) }),
    result: z.object({ id: upgradeIdSchema, records: z.array(journalRecordSchema), summary: upgradeSummarySchema }),
  },
  /** Every upgrade this host knows, newest first, with where each stands. */
  'upgrade.list': { params: noParams, result: z.array(upgradeSummarySchema) },
} as const;

export type AgentMethod = keyof typeof agentMethods;
export type AgentParams<M extends AgentMethod> = z.input<(typeof agentMethods)[M]['params']>;
export type AgentResult<M extends AgentMethod> = z.infer<(typeof agentMethods)[M]['result']>;

export function isAgentMethod(name: string): name is AgentMethod {
  return Object.prototype.hasOwnProperty.call(agentMethods, name);
}

/** Long work streams these while it runs (used from the upgrade work on). */
export const progressEventSchema = z.object({
  operationId: z.string(),
  phase: z.string(),
  bytesDone: z.optional(z.number().check(z.nonnegative())),
  bytesTotal: z.optional(z.number().check(z.nonnegative())),
  itemsDone: z.optional(z.number().check(z.nonnegative())),
  itemsTotal: z.optional(z.number().check(z.nonnegative())),
  message: z.optional(z.string()),
});

export const logEventSchema = z.object({
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string(),
  operationId: z.optional(z.string()),
});

export const agentEvents = {
  progress: progressEventSchema,
  log: logEventSchema,
} as const;
export type AgentEventName = keyof typeof agentEvents;

// The envelope of every line. Params/results are checked per method after the envelope.
export const requestSchema = z.object({
  id: z.number().check(z.int(), z.nonnegative()),
  method: z.string(),
  params: z.optional(z.unknown()),
});
export type AgentRequest = z.infer<typeof requestSchema>;

export const successSchema = z.object({ id: z.number().check(z.int(), z.nonnegative()), result: z.unknown() });
export const failureSchema = z.object({
  /** null when the request was too broken to have an id. */
  id: z.nullable(z.number().check(z.int(), z.nonnegative())),
  error: errorInfoSchema,
});
export const eventSchema = z.object({ event: z.string(), data: z.unknown() });

export const agentToControllerSchema = z.union([successSchema, failureSchema, eventSchema]);
export type AgentToController = z.infer<typeof agentToControllerSchema>;
