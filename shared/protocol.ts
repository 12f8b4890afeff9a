// Why: the controller and the agent run on different machines, built at different times. This
// is the one description of what may pass between them (JSON lines over stdin/stdout of an SSH
// exec channel or a local child), checked at runtime on both ends: an invalid message becomes
// an error answer, never a crash, and a version mismatch is caught by the first exchange.
import { z } from 'zod';
import { errorInfoSchema } from './errors';
import { hostFactsSchema } from './domain/hostFacts';
import { fileResidencySchema, inventorySchema } from './domain/inventory';
import { preflightResultSchema } from './domain/findings';
import { planSchema } from './plan/plan';
import { journalRecordSchema, upgradeIdSchema, upgradeSummarySchema } from './domain/upgrade';

/** Bumped on any incompatible change of a message below. */
export const PROTOCOL_VERSION = 1;

/** A line longer than this is refused before it is parsed (a hostile or broken peer). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

export const helloParamsSchema = z.object({
  protocolVersion: z.number().int().positive(),
  controller: z.string(),
});

export const helloResultSchema = z.object({
  protocolVersion: z.number().int().positive(),
  agentVersion: z.string(),
  /** sha256 of the agent file that is running; the controller checks it against what it deployed. */
  buildHash: z.string().regex(/^[0-9a-f]{64}$/),
  nodeVersion: z.string(),
  pid: z.number().int().positive(),
  capabilities: z.array(z.string()),
});
export type HelloResult = z.infer<typeof helloResultSchema>;

const noParams = z.object({}).strict();

/** Every agent method with its params and result schema. */
export const agentMethods = {
  hello: { params: helloParamsSchema, result: helloResultSchema },
  'host.facts': { params: noParams, result: hostFactsSchema },
  'inventory.list': {
    params: z
      .object({
        details: z.enum(['auto', 'all', 'none']).default('auto'),
        detailPids: z.array(z.number().int().positive()).max(100_000).optional(),
      })
      .strict(),
    result: inventorySchema,
  },
  'footprint.files': {
    params: z.object({ pids: z.array(z.number().int().positive()).min(1).max(100_000) }).strict(),
    result: z.array(fileResidencySchema),
  },
  'preflight.run': { params: z.object({ plan: planSchema }).strict(), result: preflightResultSchema },
  /** Validates and preflights the plan, then runs the upgrade detached (a systemd unit) and answers at once. */
  'upgrade.start': {
    params: z.object({ plan: planSchema }).strict(),
    result: z.object({ upgradeId: upgradeIdSchema, unit: z.string(), journal: z.string() }),
  },
  /** The journal records after `since` (a sequence number; 0 = all), to attach or poll. */
  'upgrade.journal': {
    params: z.object({ id: upgradeIdSchema, since: z.number().int().nonnegative().default(0) }).strict(),
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
  bytesDone: z.number().nonnegative().optional(),
  bytesTotal: z.number().nonnegative().optional(),
  itemsDone: z.number().nonnegative().optional(),
  itemsTotal: z.number().nonnegative().optional(),
  message: z.string().optional(),
});

export const logEventSchema = z.object({
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string(),
  operationId: z.string().optional(),
});

export const agentEvents = {
  progress: progressEventSchema,
  log: logEventSchema,
} as const;
export type AgentEventName = keyof typeof agentEvents;

// The envelope of every line. Params/results are checked per method after the envelope.
export const requestSchema = z.object({
  id: z.number().int().nonnegative(),
  method: z.string(),
  params: z.unknown().optional(),
});
export type AgentRequest = z.infer<typeof requestSchema>;

export const successSchema = z.object({ id: z.number().int().nonnegative(), result: z.unknown() });
export const failureSchema = z.object({
  /** null when the request was too broken to have an id. */
  id: z.number().int().nonnegative().nullable(),
  error: errorInfoSchema,
});
export const eventSchema = z.object({ event: z.string(), data: z.unknown() });

export const agentToControllerSchema = z.union([successSchema, failureSchema, eventSchema]);
export type AgentToController = z.infer<typeof agentToControllerSchema>;
