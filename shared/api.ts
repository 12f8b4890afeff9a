// Why: the renderer reaches the controller over Electron IPC or over a WebSocket (browser mode).
// Both carry this one typed API; the receiving side validates every payload with these schemas,
// and a test lists the surface so any change to it is a visible diff.
import * as z from './zod';
import { errorInfoSchema } from './errors';
import { hostFactsSchema } from './domain/hostFacts';
import { hostRefSchema } from './domain/host';
import { fileResidencySchema, inventorySchema } from './domain/inventory';
import { containersSchema } from './domain/containers';
import { preflightResultSchema } from './domain/findings';
import { planSchema } from './plan/plan';
import { planDraftSchema } from './plan/planDraft';
import { upgradeIdSchema, upgradeSummarySchema } from './domain/upgrade';
import { journalRecordSchema } from './domain/journal';
import { cleanupResultSchema } from './protocol';
import { dryRunMeasuresSchema } from './domain/dryRun';
import { estimateSchema } from './estimate/estimate';
import { reportSchema } from './report/model';
import { fleetReportSchema } from './report/fleet';
import { PROVIDER_STAGES } from './domain/providedHost';

const noParams = z.strictObject({});

export const appInfoSchema = z.object({
  version: z.string(),
  protocolVersion: z.number().check(z.int()),
  transport: z.enum(['ipc', 'websocket']),
});

export const apiMethods = {
  'app.info': { params: noParams, result: appInfoSchema },
  /** The page has subscribed to events: the desktop shell holds events back until then (no race at start). */
  'app.ready': { params: noParams, result: z.object({ ok: z.literal(true) }) },
  /**
   * A native open dialog (the desktop app only; elsewhere NOT_IN_THIS_MODE): a key file's path, a
   * fleet reports folder's path, or a plan file's path and text. Both null when the admin cancelled.
   */
  'app.openFile': {
    params: z.strictObject({ purpose: z.enum(['ssh-key', 'plan', 'fleet-dir']) }),
    result: z.object({ path: z.nullable(z.string()), text: z.nullable(z.string()) }),
  },
  'hosts.list': { params: noParams, result: z.array(hostRefSchema) },
  /** Remembers an SSH host (`user@host:port` or a ~/.ssh/config alias); never a password. */
  'hosts.add': {
    params: z.strictObject({
      spec: z.string().check(z.minLength(1), z.maxLength(512)),
      label: z.optional(z.string().check(z.maxLength(128))),
      /** A key file to try first (absolute path on the machine running Seamless), as `ssh -i`. */
      identityFile: z.optional(z.string().check(z.startsWith('/'), z.maxLength(4096))),
      /** A jump host, as `ssh -J` (user@host[:port] or an alias). */
      proxyJump: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
    }),
    result: hostRefSchema,
  },
  /**
   * Starts a host the launcher handed in and lets the app control (the lab): builds its image if
   * needed, boots it and waits until it answers; `hosts.progress` events say where it stands.
   */
  'hosts.start': { params: z.strictObject({ hostId: z.string().check(z.minLength(1)) }), result: hostRefSchema },
  /** Stops such a host (its sessions are closed first). */
  'hosts.stop': { params: z.strictObject({ hostId: z.string().check(z.minLength(1)) }), result: hostRefSchema },
  /** Connects (host key, login, sudo, agent deploy); prompts arrive as `prompt` events. */
  'host.connect': {
    params: z.strictObject({ hostId: z.string().check(z.minLength(1)) }),
    result: z.object({ hostId: z.string(), ready: z.literal(true) }),
  },
  /** Answers a `prompt` event: true/false for a host key, a string (or null to cancel) for a secret. */
  'prompt.answer': {
    params: z.strictObject({
      promptId: z.string().check(z.minLength(1)),
      value: z.union([z.boolean(), z.string().check(z.maxLength(4096)), z.null()]),
      /** Remember this passphrase (only where the prompt said it can). */
      remember: z.optional(z.boolean()),
    }),
    result: z.object({ accepted: z.boolean() }),
  },
  'host.facts': { params: z.strictObject({ hostId: z.string().check(z.minLength(1)) }), result: hostFactsSchema },
  'host.inventory': { params: z.strictObject({ hostId: z.string().check(z.minLength(1)) }), result: inventorySchema },
  /** The host's container runtimes and their containers (restart policy, ports, volumes, the unit that manages each). */
  'host.containers': { params: z.strictObject({ hostId: z.string().check(z.minLength(1)) }), result: containersSchema },
  'host.files': {
    params: z.strictObject({
      hostId: z.string().check(z.minLength(1)),
      pids: z.array(z.number().check(z.int(), z.positive())).check(z.minLength(1)),
    }),
    result: z.array(fileResidencySchema),
  },
  /** Resolves a draft against the host (kernel in /boot, selectors against its inventory): the plan, or what did not match. */
  'plan.build': {
    params: z.strictObject({ hostId: z.string().check(z.minLength(1)), draft: planDraftSchema }),
    result: planSchema,
  },
  'host.preflight': {
    params: z.strictObject({ hostId: z.string().check(z.minLength(1)), plan: planSchema }),
    result: preflightResultSchema,
  },
  /** Starts the upgrade detached on the host and follows it: `upgrade.record` events until it ends. */
  'upgrade.start': {
    params: z.strictObject({ hostId: z.string().check(z.minLength(1)), plan: planSchema }),
    result: z.object({ upgradeId: upgradeIdSchema }),
  },
  /** Follows an upgrade already running (or finished): its history, then live records. */
  'upgrade.attach': {
    params: z.strictObject({ hostId: z.string().check(z.minLength(1)), id: upgradeIdSchema }),
    result: z.object({ upgradeId: upgradeIdSchema }),
  },
  'upgrade.list': { params: z.strictObject({ hostId: z.string().check(z.minLength(1)) }), result: z.array(upgradeSummarySchema) },
  /** The estimate of a plan from what is known now (the host's calibration if fresh, its history); runs nothing. */
  'plan.estimate': {
    params: z.strictObject({ hostId: z.string().check(z.minLength(1)), plan: planSchema }),
    result: estimateSchema,
  },
  /**
   * Rehearses the plan without downtime: preflight, calibration, a pre-dump round per workload and,
   * with `trialDump`, a trial dump that freezes each workload briefly and leaves it running.
   * Answers what was measured and the estimate before and after it.
   */
  'host.dryRun': {
    params: z.strictObject({ hostId: z.string().check(z.minLength(1)), plan: planSchema, trialDump: z._default(z.boolean(), false) }),
    result: z.object({ measures: dryRunMeasuresSchema, estimateBefore: estimateSchema, estimate: estimateSchema }),
  },
  /** The report of one upgrade (built from its journal and files, kept as the host's history). */
  'upgrade.report': {
    params: z.strictObject({ hostId: z.string().check(z.minLength(1)), id: upgradeIdSchema }),
    result: reportSchema,
  },
  /** The reports kept for a host, newest first. */
  'upgrade.history': { params: z.strictObject({ hostId: z.string().check(z.minLength(1)) }), result: z.array(reportSchema) },
  /** Removes the images kept by ended upgrades on a host (one, or all); running upgrades are left alone. */
  'upgrade.cleanup': {
    params: z.strictObject({ hostId: z.string().check(z.minLength(1)), id: z.optional(upgradeIdSchema) }),
    result: cleanupResultSchema,
  },
  /** A report printed as PDF (the same page as the HTML export), base64-encoded. */
  'report.pdf': { params: z.strictObject({ report: reportSchema }), result: z.object({ pdfBase64: z.string() }) },
  /**
   * A fleet folder on the machine running Seamless (the reports a rollout fetched, as `seamless
   * fleet report DIR` reads them) merged into one fleet report; files that are not reports are
   * listed in it. FLEET_NO_REPORTS when none is, FLEET_DIR_UNREADABLE when it is not a folder.
   */
  'fleet.open': {
    params: z.strictObject({ dir: z.string().check(z.startsWith('/'), z.maxLength(4096)) }),
    result: fleetReportSchema,
  },
} as const;

export type ApiMethod = keyof typeof apiMethods;
export type ApiParams<M extends ApiMethod> = z.input<(typeof apiMethods)[M]['params']>;
export type ApiResult<M extends ApiMethod> = z.infer<(typeof apiMethods)[M]['result']>;

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiMethods, name);
}

export const sessionStateSchema = z.object({
  hostId: z.string(),
  state: z.enum(['connecting', 'verifying-host-key', 'authenticating', 'deploying', 'ready', 'lost', 'reconnecting', 'closed']),
  reason: z.optional(z.string()),
});

export const promptSchema = z.object({
  promptId: z.string(),
  hostId: z.string(),
  kind: z.enum(['host-key', 'password', 'passphrase', 'sudo-password']),
  message: z.string(),
  /** For host-key: `SHA256:…` as `ssh-keygen -lf` prints it. */
  fingerprint: z.optional(z.string()),
  keyType: z.optional(z.string()),
  secret: z.boolean(),
  /** For a passphrase: whether the app can remember it (the desktop app with an OS keyring), else why not. */
  remember: z.optional(z.union([z.object({ possible: z.literal(true) }), z.object({ possible: z.literal(false), why: z.string() })])),
});

/** Events the controller pushes to the renderer. */
export const apiEvents = {
  'session.state': sessionStateSchema,
  prompt: promptSchema,
  'prompt.closed': z.object({ promptId: z.string() }),
  'upgrade.record': z.object({ hostId: z.string(), id: z.string(), record: journalRecordSchema }),
  /** A command from the desktop app's menu for the page. */
  'app.command': z.object({ command: z.enum(['open-plan', 'add-host']) }),
  /** A start or stop of a provided host (`hosts.start`/`hosts.stop`) moving on; `line` is its latest output. */
  'hosts.progress': z.object({
    hostId: z.string(),
    action: z.enum(['start', 'stop']),
    stage: z.enum(PROVIDER_STAGES),
    line: z.string(),
    elapsedS: z.number(),
  }),
  'upgrade.summary': z.object({ hostId: z.string(), id: z.string(), summary: upgradeSummarySchema, error: z.optional(errorInfoSchema) }),
} as const;
export type ApiEventName = keyof typeof apiEvents;
export type ApiEvent = { [E in ApiEventName]: { event: E; data: z.infer<(typeof apiEvents)[E]> } }[ApiEventName];

/** The controller as the renderer sees it: one async function per method. */
export type SeamlessApi = { [M in ApiMethod]: (params: ApiParams<M>) => Promise<ApiResult<M>> };

export const API_METHOD_NAMES = Object.keys(apiMethods) as ApiMethod[];

// WebSocket wire (browser mode): the envelopes of shared/rpc/wire.ts. IPC needs none: one channel per method.

/** IPC channel names (Electron). */
export const ipcChannelFor = (method: ApiMethod): string => `seamless:${method}`;
export const IPC_EVENT_CHANNEL = 'seamless:event';

export function parseApiEvent(raw: { event: string; data: unknown }): ApiEvent | null {
  if (!Object.prototype.hasOwnProperty.call(apiEvents, raw.event)) return null;
  const name = raw.event as ApiEventName;
  const parsed = apiEvents[name].safeParse(raw.data);
  return parsed.success ? ({ event: name, data: parsed.data } as ApiEvent) : null;
}
