// Why: the controller is what the renderer's API calls land on, whatever the transport. It owns
// the sessions with agents (this machine, the lab, SSH hosts) and nothing about windows or
// sockets; questions for the admin go through a Prompter (UI events, or the CLI's terminal).
import { EventEmitter } from 'node:events';
import { readFileSync, statSync } from 'node:fs';
import { PROTOCOL_VERSION } from '../../shared/protocol';
import type { ApiEvent, SeamlessApi } from '../../shared/api';
import type { AgentBundle } from './agentBundle';
import { HostSessions } from './hostSessions';
import type { Prompter } from './prompter';
import { createUiPrompter } from './uiPrompter';
import { followUpgrade } from './upgrade/followUpgrade';
import { summarize, type UpgradeSummary } from '../../shared/domain/upgrade';
import { buildPlan } from '../../shared/plan/buildPlan';
import { SeamlessError, toErrorInfo } from '../../shared/errors';
import { estimate, type Estimate } from '../../shared/estimate/estimate';
import type { WorkloadTrial } from '../../shared/estimate/calibration';
import { planSchema, type PlanInput } from '../../shared/plan/plan';
import { buildReport } from '../../shared/report/buildReport';
import { reportSchema, type Report } from '../../shared/report/model';
import { HostRecords } from './hosts/hostRecords';
import { defaultConfigDir } from './ssh/hostKeyStore';
import type { SecretVault } from './secretVault';
import { ProvidedHostControl, type ControlAction } from './hosts/providedHostControl';
import { renderHtml } from '../../shared/report/renderHtml';
import { renderPdf } from '../report/renderPdf';
import { readFleetReport } from '../report/readFleetDir';
import type { HostRef } from '../../shared/domain/host';

/** A dry run pre-dumps every selected workload (and may trial-dump it): minutes for large ones. */
const DRY_RUN_TIMEOUT_MS = 30 * 60_000;

export interface ControllerOptions {
  transport: 'ipc' | 'websocket';
  version: string;
  /** Where the agent bundle comes from; defaults to the built one in dist/. */
  agentBundle?: () => AgentBundle;
  /** The CLI's terminal prompter; default: prompts become UI events. */
  prompter?: Prompter;
  configDir?: string;
  acceptHostKey?: ReadonlyMap<string, string>;
  /** Host provider files handed in by the launcher (the lab); none in a packaged app. */
  hostProviders?: readonly string[];
  /** Where remembered passphrases go (the desktop app's OS keyring); none elsewhere. */
  vault?: SecretVault;
  /** How a report becomes a PDF: Electron's printToPDF in the desktop app, headless Chromium elsewhere. */
  printPdf?: (html: string) => Promise<Buffer>;
  /** Native file dialogs (the desktop app only). */
  openFile?: (purpose: 'ssh-key' | 'plan' | 'fleet-dir') => Promise<string | null>;
}

/** A plan file is small JSON; anything much larger is not one. */
const PLAN_FILE_MAX_BYTES = 1024 * 1024;

function readPlanText(path: string): string {
  const st = statSync(path);
  if (!st.isFile() || st.size > PLAN_FILE_MAX_BYTES)
    throw new SeamlessError('PLAN_INVALID', `${path} is not a plan file (${st.isFile() ? `${st.size} bytes` : 'not a regular file'}).`);
  return readFileSync(path, 'utf8');
}

export interface Controller {
  api: SeamlessApi;
  events: EventEmitter<{ event: [ApiEvent] }>;
  /** For the CLI, which follows an upgrade itself (same loop, printed instead of pushed). */
  hosts: HostSessions;
  close(): Promise<void>;
}

export function createController(opts: ControllerOptions): Controller {
  const events = new EventEmitter<{ event: [ApiEvent] }>();
  const ui = createUiPrompter(events, opts.vault);
  const hosts = new HostSessions({
    version: opts.version,
    prompter: opts.prompter ?? ui,
    events,
    configDir: opts.configDir,
    agentBundle: opts.agentBundle,
    acceptHostKey: opts.acceptHostKey,
    hostProviders: opts.hostProviders,
  });
  const agent = (hostId: string) => hosts.agentFor(hostId);
  const records = new HostRecords(opts.configDir ?? defaultConfigDir());

  /** The estimate of a plan with what is known of the host: its calibration (if fresh) and history. */
  async function estimateFor(hostId: string, input: PlanInput, trials?: WorkloadTrial[]): Promise<Estimate> {
    // The API hands the plan as it came in (validated); defaults filled in, as the agent will.
    const plan = planSchema.parse(input);
    const handle = await agent(hostId);
    const [facts, inventory] = await Promise.all([
      handle.call('host.facts', {}, { timeoutMs: 60_000 }),
      handle.call('inventory.list', { details: 'none' }, { timeoutMs: 60_000 }),
    ]);
    return estimate(
      plan,
      facts,
      inventory,
      records.calibration(hostId),
      records.history(hostId),
      trials ?? records.trials(hostId, plan.workloads),
    );
  }

  /** The report of an upgrade: its journal and files on the host, and the restored processes now. */
  async function reportOf(hostId: string, id: string): Promise<Report> {
    const handle = await agent(hostId);
    const [journal, files, facts] = await Promise.all([
      handle.call('upgrade.journal', { id, since: 0 }, { timeoutMs: 60_000 }),
      handle.call('upgrade.files', { id }, { timeoutMs: 60_000 }),
      handle.call('host.facts', {}, { timeoutMs: 60_000 }),
    ]);
    const roots = (files.report?.workloads ?? []).filter((w) => w.restored).map((w) => w.rootPid);
    const rssNow = new Map<number, number>();
    if (roots.length) {
      const inv = await handle.call('inventory.list', { details: 'none' }, { timeoutMs: 60_000 });
      for (const w of inv.workloads) if (roots.includes(w.rootPid)) rssNow.set(w.rootPid, w.memory.rssBytes);
    }
    return buildReport({
      hostId,
      hostname: facts.hostname,
      upgradeId: id,
      records: journal.records,
      plan: files.plan,
      preflight: files.preflight,
      hostReport: files.report,
      rssNow,
      generatedAt: new Date().toISOString(),
    });
  }
  const followers = new Map<string, AbortController>();
  const control = new ProvidedHostControl((data) => events.emit('event', { event: 'hosts.progress', data }));

  /** Starts or stops a provided host (the lab) and answers how it is listed after. */
  async function controlHost(hostId: string, action: ControlAction): Promise<HostRef> {
    const { file, host } = hosts.providerOf(hostId);
    if (action === 'stop') await hosts.disconnect(hostId);
    await control.run(file, host, action);
    const now = hosts.list().find((h) => h.id === hostId);
    if (!now) throw new SeamlessError('HOST_CONTROL_FAILED', `${host.label} is no longer listed by its provider (${file}).`);
    return now;
  }

  /** Follows an upgrade in the background, pushing its records as events (once per upgrade). */
  function follow(hostId: string, id: string): void {
    const key = `${hostId}/${id}`;
    if (followers.has(key)) return;
    const ac = new AbortController();
    followers.set(key, ac);
    let last: UpgradeSummary | null = null;
    followUpgrade(() => agent(hostId), id, {
      signal: ac.signal,
      onRecord: (record) => events.emit('event', { event: 'upgrade.record', data: { hostId, id, record } }),
      onSummary: (summary) => {
        last = summary;
        events.emit('event', { event: 'upgrade.summary', data: { hostId, id, summary } });
      },
    })
      .catch((err: unknown) => {
        const summary = last ?? summarize(id, []);
        events.emit('event', { event: 'upgrade.summary', data: { hostId, id, summary, error: toErrorInfo(err, 'CONNECTION_LOST') } });
      })
      .finally(() => followers.delete(key));
  }

  const api: SeamlessApi = {
    'app.info': async () => ({ version: opts.version, protocolVersion: PROTOCOL_VERSION, transport: opts.transport }),
    'app.ready': async () => ({ ok: true }),
    'app.openFile': async ({ purpose }) => {
      if (!opts.openFile)
        throw new SeamlessError(
          'NOT_IN_THIS_MODE',
          'File dialogs are the desktop app’s; here, type the path or use the page’s file picker.',
        );
      const path = await opts.openFile(purpose);
      if (path === null || purpose !== 'plan') return { path, text: null };
      return { path, text: readPlanText(path) };
    },
    'hosts.list': async () => hosts.list(),
    'hosts.start': async ({ hostId }) => controlHost(hostId, 'start'),
    'hosts.stop': async ({ hostId }) => controlHost(hostId, 'stop'),
    'hosts.add': async ({ spec, label, identityFile, proxyJump }) => hosts.add(spec, label, { identityFile, proxyJump }),
    'host.connect': async ({ hostId }) => {
      await hosts.connect(hostId);
      return { hostId, ready: true };
    },
    'prompt.answer': async ({ promptId, value, remember }) => ({ accepted: ui.answer(promptId, value, remember) }),
    'host.facts': async ({ hostId }) => (await agent(hostId)).call('host.facts', {}, { timeoutMs: 60_000 }),
    'host.inventory': async ({ hostId }) => (await agent(hostId)).call('inventory.list', {}, { timeoutMs: 60_000 }),
    'host.containers': async ({ hostId }) => (await agent(hostId)).call('containers.list', {}, { timeoutMs: 120_000 }),
    'host.files': async ({ hostId, pids }) => (await agent(hostId)).call('footprint.files', { pids }, { timeoutMs: 120_000 }),
    'plan.build': async ({ hostId, draft }) => {
      const handle = await agent(hostId);
      const [facts, inventory] = await Promise.all([
        handle.call('host.facts', {}, { timeoutMs: 60_000 }),
        handle.call('inventory.list', { details: 'none' }, { timeoutMs: 60_000 }),
      ]);
      return buildPlan({ ...draft, host: hostId }, facts, inventory);
    },
    'host.preflight': async ({ hostId, plan }) => (await agent(hostId)).call('preflight.run', { plan }, { timeoutMs: 120_000 }),
    'upgrade.start': async ({ hostId, plan }) => {
      // The promise made to the admin goes into the journal with the start, for the report. If it
      // cannot be made here, the agent journals its own (without this host's calibration and history).
      const promised = await estimateFor(hostId, plan).catch(() => undefined);
      const { upgradeId } = await (await agent(hostId)).call('upgrade.start', { plan, estimate: promised }, { timeoutMs: 180_000 });
      follow(hostId, upgradeId);
      return { upgradeId };
    },
    'upgrade.attach': async ({ hostId, id }) => {
      follow(hostId, id);
      return { upgradeId: id };
    },
    'upgrade.list': async ({ hostId }) => (await agent(hostId)).call('upgrade.list', {}, { timeoutMs: 60_000 }),
    'plan.estimate': async ({ hostId, plan }) => estimateFor(hostId, plan),
    'host.dryRun': async ({ hostId, plan, trialDump }) => {
      const estimateBefore = await estimateFor(hostId, plan);
      const measures = await (await agent(hostId)).call('upgrade.dryRun', { plan, trialDump }, { timeoutMs: DRY_RUN_TIMEOUT_MS });
      records.saveCalibration(hostId, measures.calibration);
      if (measures.trials.length) records.saveTrials(hostId, measures.trials);
      return { measures, estimateBefore, estimate: await estimateFor(hostId, plan, measures.trials) };
    },
    'upgrade.report': async ({ hostId, id }) => {
      const report = await reportOf(hostId, id);
      if (report.outcome !== null) records.saveReport(hostId, report);
      return report;
    },
    'upgrade.history': async ({ hostId }) => records.reports(hostId),
    'upgrade.cleanup': async ({ hostId, id }) =>
      (await agent(hostId)).call('upgrade.cleanup', id ? { id } : {}, { timeoutMs: 10 * 60_000 }),
    // The report as it came in (validated); defaults filled in as the renderer expects them.
    'report.pdf': async ({ report }) => ({
      pdfBase64: (await (opts.printPdf ?? renderPdf)(renderHtml(reportSchema.parse(report)))).toString('base64'),
    }),
    // Files only, on this machine: the reports a rollout fetched; no host is contacted.
    'fleet.open': async ({ dir }) => readFleetReport(dir),
  };

  return {
    api,
    events,
    hosts,
    async close() {
      for (const ac of followers.values()) ac.abort();
      control.close();
      await hosts.close();
    },
  };
}
