// Why: one store of typed slices for the whole UI. Entities are normalised (byId + order), and
// actions are named so devtools traces read like the product. The API client is injected so
// tests and both transports use the same store. Pushed events arrive in batches (eventBuffer)
// and are applied in one update per batch.
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../api/client';
import type { ApiEvent, ApiResult } from '../../shared/api';
import type { Estimate } from '../../shared/estimate/estimate';
import type { Report } from '../../shared/report/model';
import type { FleetReport } from '../../shared/report/fleet';
import type { HostRef } from '../../shared/domain/host';
import type { HostFacts } from '../../shared/domain/hostFacts';
import type { Inventory } from '../../shared/domain/inventory';
import type { Containers } from '../../shared/domain/containers';
import type { PreflightResult } from '../../shared/domain/findings';
import { parsePlan, type Plan, type PlanOptions } from '../../shared/plan/plan';
import type { ErrorInfo } from '../../shared/errors';
import { SeamlessError } from '../../shared/errors';
import * as drafts from './planDraft';
import type { DraftState } from './planDraft';
import {
  applyUpgradeEvents,
  emptyUpgrade,
  isUpgradeEvent,
  newerSummary,
  showUpgrade,
  upgradeKey,
  type UpgradesState,
} from './upgradeRecords';

export type Loadable<T> = { status: 'idle' } | { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; error: ErrorInfo };

export type Prompt = Extract<ApiEvent, { event: 'prompt' }>['data'];

export interface HostsSlice {
  hosts: { byId: Record<string, HostRef>; order: string[]; load: Loadable<true> };
  selectedHostId: string | null;
  loadHosts(): Promise<void>;
  selectHost(hostId: string): void;
  addHost(spec: string, label?: string, via?: { identityFile?: string; proxyJump?: string }): Promise<ErrorInfo | null>;
  /** Starts and stops of provided hosts (the lab): the latest progress, then how it ended. */
  hostControl: Record<string, HostControl>;
  controlHost(hostId: string, action: 'start' | 'stop'): Promise<void>;
}

export type HostProgress = Extract<ApiEvent, { event: 'hosts.progress' }>['data'];
export type HostControl =
  | { status: 'running'; action: 'start' | 'stop'; progress: HostProgress | null }
  | { status: 'done'; action: 'start' | 'stop' }
  | { status: 'error'; action: 'start' | 'stop'; error: ErrorInfo };

export interface HostDataSlice {
  facts: Record<string, Loadable<HostFacts>>;
  inventory: Record<string, Loadable<Inventory>>;
  /** The runtimes' own view of the containers (restart policy, runtime), loaded with the inventory. */
  containers: Record<string, Loadable<Containers>>;
  loadFacts(hostId: string): Promise<void>;
  loadInventory(hostId: string): Promise<void>;
}

/** The plan the host built for draft `rev`, its preflight, and the estimate of its downtime. */
export interface PlanCheck {
  rev: number;
  plan: Loadable<Plan>;
  preflight: Loadable<PreflightResult>;
  estimate: Loadable<Estimate>;
}

export type DryRunResult = ApiResult<'host.dryRun'>;

export interface PlanSlice {
  /** The draft per host (selection, kernel, store, options) and the check of its last plan. */
  planning: {
    drafts: Record<string, DraftState>;
    checks: Record<string, PlanCheck>;
    dryRuns: Record<string, { rev: number; result: Loadable<DryRunResult> }>;
  };
  toggleWorkload(hostId: string, selector: string): void;
  setDraftKernel(hostId: string, kernel: string): void;
  setDraftStore(hostId: string, store: string): void;
  setDraftOption<K extends Exclude<keyof PlanOptions, 'acknowledge'>>(hostId: string, key: K, value: PlanOptions[K]): void;
  toggleAcknowledge(hostId: string, findingId: string): void;
  /** Replaces the draft with a plan file's choices; a file that is not a plan changes nothing and says why. */
  openPlan(hostId: string, text: string): ErrorInfo | null;
  /** `plan.build` with the draft, then `host.preflight` and `plan.estimate` with the plan it answered. */
  checkPlan(hostId: string): Promise<void>;
  /** Rehearses the checked plan (`host.dryRun`); `trialDump` only after the admin read what it freezes. */
  dryRun(hostId: string, trialDump: boolean): Promise<void>;
}

export interface SessionsSlice {
  sessions: Record<string, { state: string; reason?: string }>;
  prompts: Prompt[];
  /** The page's link to the controller (the browser mode's socket can close under it). */
  server: { state: 'open' } | { state: 'closed'; reason: string };
  connect(hostId: string): Promise<void>;
  answerPrompt(promptId: string, value: boolean | string | null, remember?: boolean): Promise<void>;
  /** The desktop app (IPC): native dialogs exist. */
  desktop: boolean;
  /** The latest command from the desktop app's menu; `seq` tells a new one from the last. */
  command: { name: 'open-plan' | 'add-host'; seq: number } | null;
  /** A native open dialog (desktop only): the path, and a plan file's text. */
  pickFile(
    purpose: 'ssh-key' | 'plan' | 'fleet-dir',
  ): Promise<{ ok: true; path: string | null; text: string | null } | { ok: false; error: ErrorInfo }>;
  applyEvents(events: ApiEvent[]): void;
  serverClosed(reason: string): void;
}

export interface UpgradesSlice {
  upgrades: UpgradesState;
  /** Listing a host's upgrades when it connects, to re-attach to the one that runs. */
  reattaching: Record<string, Loadable<true>>;
  /** Starts the plan checked for the current draft (and only that one). */
  startUpgrade(hostId: string): Promise<void>;
  attachUpgrade(hostId: string, id: string): Promise<void>;
  /** Reports by upgrade key (`upgrade.report`: the promise beside the measurement). */
  reports: Record<string, Loadable<Report>>;
  loadReport(hostId: string, id: string): Promise<void>;
  /** A report printed as PDF by the controller (`report.pdf`): its bytes, or why not. */
  reportPdf(report: Report): Promise<{ ok: true; bytes: Uint8Array<ArrayBuffer> } | { ok: false; error: ErrorInfo }>;
  /** The reports the controller kept for a host (its history), newest first. */
  history: Record<string, Loadable<Report[]>>;
  loadHistory(hostId: string): Promise<void>;
  /** `upgrade.list`, then `upgrade.attach` to the running one, else the most recent (to show its outcome). */
  reattach(hostId: string): Promise<void>;
}

export interface FleetSlice {
  /** A fleet folder on the controller's machine (`fleet.open`), shown instead of a host; null: none open. */
  fleet: { dir: string; report: Loadable<FleetReport> } | null;
  openFleet(dir: string): Promise<void>;
  closeFleet(): void;
}

export type AppState = HostsSlice & HostDataSlice & PlanSlice & SessionsSlice & UpgradesSlice & FleetSlice;
export type AppStore = StoreApi<AppState>;

function errorOf(err: unknown): ErrorInfo {
  return err instanceof SeamlessError
    ? err.toInfo()
    : { code: 'AGENT_INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

const EMPTY_DRAFT = drafts.emptyDraft();
export const draftOf = (s: AppState, hostId: string): DraftState => s.planning.drafts[hostId] ?? EMPTY_DRAFT;

/** The plan "Start upgrade" would run: built and preflighted for the current draft, and allowed to start. */
export function startablePlan(s: AppState, hostId: string): Plan | null {
  const check = s.planning.checks[hostId];
  if (!check || check.rev !== draftOf(s, hostId).rev) return null;
  if (check.plan.status !== 'ready' || check.preflight.status !== 'ready' || !check.preflight.data.canStart) return null;
  return check.plan.data;
}

export function createAppStore(api: ApiClient): AppStore {
  return createStore<AppState>()((set, get) => {
    async function track<K extends 'facts' | 'inventory' | 'containers'>(
      key: K,
      hostId: string,
      call: () => Promise<AppState[K][string] extends Loadable<infer T> ? T : never>,
    ) {
      set((s) => ({ [key]: { ...s[key], [hostId]: { status: 'loading' } } }) as Partial<AppState>);
      try {
        const data = await call();
        set((s) => ({ [key]: { ...s[key], [hostId]: { status: 'ready', data } } }) as Partial<AppState>);
      } catch (err) {
        set((s) => ({ [key]: { ...s[key], [hostId]: { status: 'error', error: errorOf(err) } } }) as Partial<AppState>);
      }
    }

    const editDraft = (hostId: string, edit: (d: DraftState) => DraftState) =>
      set((s) => {
        const cur = draftOf(s, hostId);
        const next = edit(cur);
        return next === cur ? {} : { planning: { ...s.planning, drafts: { ...s.planning.drafts, [hostId]: next } } };
      });

    /** The fleet folder opened last: an answer for an earlier one (or after leaving) is dropped. */
    let fleetSerial = 0;

    /** Checks in flight per host: a slower, older answer never overwrites a newer one. */
    const checkSerial: Record<string, number> = {};
    const setCheck = (hostId: string, serial: number, check: PlanCheck) => {
      if (checkSerial[hostId] !== serial) return;
      set((s) => ({ planning: { ...s.planning, checks: { ...s.planning.checks, [hostId]: check } } }));
    };

    return {
      hosts: { byId: {}, order: [], load: { status: 'idle' } },
      selectedHostId: null,
      async loadHosts() {
        set((s) => ({ hosts: { ...s.hosts, load: { status: 'loading' } } }));
        try {
          const list = await api.call('hosts.list', {});
          set((s) => ({
            hosts: {
              byId: Object.fromEntries(list.map((h) => [h.id, h])),
              order: list.map((h) => h.id),
              load: { status: 'ready', data: true },
            },
            selectedHostId: s.selectedHostId ?? list[0]?.id ?? null,
          }));
        } catch (err) {
          set((s) => ({ hosts: { ...s.hosts, load: { status: 'error', error: errorOf(err) } } }));
        }
      },
      selectHost(hostId) {
        fleetSerial++;
        set({ selectedHostId: hostId, fleet: null });
      },
      async addHost(spec, label, via = {}) {
        try {
          const host = await api.call('hosts.add', { spec, label, ...via });
          set((s) => ({
            hosts: {
              ...s.hosts,
              byId: { ...s.hosts.byId, [host.id]: host },
              order: s.hosts.order.includes(host.id) ? s.hosts.order : [...s.hosts.order, host.id],
            },
            selectedHostId: host.id,
          }));
          return null;
        } catch (err) {
          return errorOf(err);
        }
      },

      hostControl: {},
      async controlHost(hostId, action) {
        const put = (c: HostControl) => set((s) => ({ hostControl: { ...s.hostControl, [hostId]: c } }));
        put({ status: 'running', action, progress: null });
        try {
          const host = await api.call(action === 'start' ? 'hosts.start' : 'hosts.stop', { hostId });
          set((s) => ({
            hosts: { ...s.hosts, byId: { ...s.hosts.byId, [hostId]: host } },
            // A stopped host has no session; its old data is not shown as if it were live.
            ...(action === 'stop'
              ? {
                  sessions: { ...s.sessions, [hostId]: { state: 'closed', reason: 'stopped from the app' } },
                  facts: Object.fromEntries(Object.entries(s.facts).filter(([id]) => id !== hostId)),
                  inventory: Object.fromEntries(Object.entries(s.inventory).filter(([id]) => id !== hostId)),
                  containers: Object.fromEntries(Object.entries(s.containers).filter(([id]) => id !== hostId)),
                }
              : {}),
          }));
          put({ status: 'done', action });
        } catch (err) {
          put({ status: 'error', action, error: errorOf(err) });
        }
      },

      facts: {},
      inventory: {},
      async loadFacts(hostId) {
        await track('facts', hostId, () => api.call('host.facts', { hostId }));
        const facts = get().facts[hostId];
        if (facts?.status === 'ready') editDraft(hostId, (d) => drafts.seedDraft(d, facts.data));
      },
      containers: {},
      async loadInventory(hostId) {
        await Promise.all([
          track('inventory', hostId, () => api.call('host.inventory', { hostId })),
          track('containers', hostId, () => api.call('host.containers', { hostId })),
        ]);
      },

      planning: { drafts: {}, checks: {}, dryRuns: {} },
      toggleWorkload: (hostId, selector) => editDraft(hostId, (d) => drafts.toggleSelector(d, selector)),
      setDraftKernel: (hostId, kernel) => editDraft(hostId, (d) => drafts.setKernel(d, kernel)),
      setDraftStore: (hostId, store) => editDraft(hostId, (d) => drafts.setStore(d, store)),
      setDraftOption: (hostId, key, value) => editDraft(hostId, (d) => drafts.setOption(d, key, value)),
      toggleAcknowledge: (hostId, findingId) => editDraft(hostId, (d) => drafts.toggleAcknowledge(d, findingId)),
      openPlan(hostId, text) {
        const parsed = parsePlan(text);
        if (!parsed.ok) return { code: 'PLAN_INVALID', message: `That file is not a Seamless plan: ${parsed.message}` };
        editDraft(hostId, (d) => drafts.fromPlan(d, parsed.plan));
        return null;
      },
      async checkPlan(hostId) {
        const draft = draftOf(get(), hostId);
        const serial = (checkSerial[hostId] ?? 0) + 1;
        checkSerial[hostId] = serial;
        const rev = draft.rev;
        const idle = { status: 'idle' } as const;
        setCheck(hostId, serial, { rev, plan: { status: 'loading' }, preflight: idle, estimate: idle });
        let plan: Plan;
        try {
          plan = await api.call('plan.build', { hostId, draft: drafts.toPlanDraft(draft) });
        } catch (err) {
          setCheck(hostId, serial, { rev, plan: { status: 'error', error: errorOf(err) }, preflight: idle, estimate: idle });
          return;
        }
        let check: PlanCheck = {
          rev,
          plan: { status: 'ready', data: plan },
          preflight: { status: 'loading' },
          estimate: { status: 'loading' },
        };
        setCheck(hostId, serial, check);
        const settle = async <K extends 'preflight' | 'estimate'>(
          key: K,
          call: () => Promise<PlanCheck[K] extends Loadable<infer T> ? T : never>,
        ) => {
          let value: PlanCheck[K];
          try {
            value = { status: 'ready', data: await call() } as PlanCheck[K];
          } catch (err) {
            value = { status: 'error', error: errorOf(err) } as PlanCheck[K];
          }
          check = { ...check, [key]: value };
          setCheck(hostId, serial, check);
        };
        await Promise.all([
          settle('preflight', () => api.call('host.preflight', { hostId, plan })),
          settle('estimate', () => api.call('plan.estimate', { hostId, plan })),
        ]);
      },
      async dryRun(hostId, trialDump) {
        const check = get().planning.checks[hostId];
        if (!check || check.plan.status !== 'ready') return;
        const plan = check.plan.data;
        const put = (result: Loadable<DryRunResult>) =>
          set((s) => ({ planning: { ...s.planning, dryRuns: { ...s.planning.dryRuns, [hostId]: { rev: check.rev, result } } } }));
        put({ status: 'loading' });
        try {
          put({ status: 'ready', data: await api.call('host.dryRun', { hostId, plan, trialDump }) });
        } catch (err) {
          put({ status: 'error', error: errorOf(err) });
        }
      },

      upgrades: { byId: {}, current: {} },
      reattaching: {},
      async startUpgrade(hostId) {
        const plan = startablePlan(get(), hostId);
        if (!plan) return;
        try {
          const { upgradeId } = await api.call('upgrade.start', { hostId, plan });
          const key = upgradeKey(hostId, upgradeId);
          set((s) => ({
            upgrades: {
              byId: { ...s.upgrades.byId, [key]: s.upgrades.byId[key] ?? emptyUpgrade(hostId, upgradeId) },
              current: { ...s.upgrades.current, [hostId]: key },
            },
          }));
        } catch (err) {
          // Shown on the panel as a start that did not happen (no id).
          const key = upgradeKey(hostId, '');
          set((s) => ({
            upgrades: {
              byId: { ...s.upgrades.byId, [key]: { ...emptyUpgrade(hostId, ''), error: errorOf(err) } },
              current: { ...s.upgrades.current, [hostId]: key },
            },
          }));
        }
      },
      async attachUpgrade(hostId, id) {
        const key = upgradeKey(hostId, id);
        set((s) => {
          const byId = s.upgrades.byId[key] ? s.upgrades.byId : { ...s.upgrades.byId, [key]: emptyUpgrade(hostId, id) };
          return { upgrades: { byId, current: showUpgrade({ byId, current: s.upgrades.current }, hostId, key) } };
        });
        await api.call('upgrade.attach', { hostId, id });
      },
      reports: {},
      history: {},
      async loadHistory(hostId) {
        set((s) => ({ history: { ...s.history, [hostId]: { status: 'loading' } } }));
        try {
          const data = await api.call('upgrade.history', { hostId });
          set((s) => ({
            history: { ...s.history, [hostId]: { status: 'ready', data } },
            // Each kept report can be opened like a freshly read one.
            reports: {
              ...s.reports,
              ...Object.fromEntries(data.map((r) => [upgradeKey(hostId, r.upgradeId), { status: 'ready', data: r } as const])),
            },
          }));
        } catch (err) {
          set((s) => ({ history: { ...s.history, [hostId]: { status: 'error', error: errorOf(err) } } }));
        }
      },
      async loadReport(hostId, id) {
        const key = upgradeKey(hostId, id);
        set((s) => ({ reports: { ...s.reports, [key]: { status: 'loading' } } }));
        try {
          const data = await api.call('upgrade.report', { hostId, id });
          set((s) => ({ reports: { ...s.reports, [key]: { status: 'ready', data } } }));
        } catch (err) {
          set((s) => ({ reports: { ...s.reports, [key]: { status: 'error', error: errorOf(err) } } }));
        }
      },
      async reportPdf(report) {
        try {
          const { pdfBase64 } = await api.call('report.pdf', { report });
          return { ok: true, bytes: Uint8Array.from(atob(pdfBase64), (c) => c.charCodeAt(0)) };
        } catch (err) {
          return { ok: false, error: errorOf(err) };
        }
      },
      async reattach(hostId) {
        set((s) => ({ reattaching: { ...s.reattaching, [hostId]: { status: 'loading' } } }));
        try {
          const list = await api.call('upgrade.list', { hostId });
          // Newest first: the one still running, else the last one, to show how it ended.
          const pick = list.find((u) => u.state === 'running') ?? list[0];
          if (pick) {
            const key = upgradeKey(hostId, pick.id);
            set((s) => {
              const cur = s.upgrades.byId[key] ?? emptyUpgrade(hostId, pick.id);
              const byId = { ...s.upgrades.byId, [key]: { ...cur, summary: newerSummary(cur.summary, pick) } };
              return { upgrades: { byId, current: showUpgrade({ byId, current: s.upgrades.current }, hostId, key) } };
            });
            await api.call('upgrade.attach', { hostId, id: pick.id });
          }
          set((s) => ({ reattaching: { ...s.reattaching, [hostId]: { status: 'ready', data: true } } }));
        } catch (err) {
          set((s) => ({ reattaching: { ...s.reattaching, [hostId]: { status: 'error', error: errorOf(err) } } }));
        }
      },

      fleet: null,
      async openFleet(dir) {
        const serial = ++fleetSerial;
        set({ fleet: { dir, report: { status: 'loading' } } });
        let report: Loadable<FleetReport>;
        try {
          report = { status: 'ready', data: await api.call('fleet.open', { dir }) };
        } catch (err) {
          report = { status: 'error', error: errorOf(err) };
        }
        // A folder opened since (or a host chosen) is not overwritten by this older answer.
        if (serial === fleetSerial && get().fleet !== null) set({ fleet: { dir, report } });
      },
      closeFleet() {
        fleetSerial++;
        set({ fleet: null });
      },

      sessions: {},
      prompts: [],
      server: { state: 'open' },
      async connect(hostId) {
        try {
          await api.call('host.connect', { hostId });
          // The session may have become ready before this page subscribed to its events.
          set((s) => ({ sessions: { ...s.sessions, [hostId]: { state: 'ready' } } }));
          await Promise.all([get().reattach(hostId), get().loadFacts(hostId), get().loadInventory(hostId)]);
        } catch (err) {
          const error = errorOf(err);
          // Closed, so that Connect can be pressed again.
          set((s) => ({
            facts: { ...s.facts, [hostId]: { status: 'error', error } },
            sessions: { ...s.sessions, [hostId]: { state: 'closed', reason: error.message } },
          }));
        }
      },
      async answerPrompt(promptId, value, remember) {
        set((s) => ({ prompts: s.prompts.filter((p) => p.promptId !== promptId) }));
        await api.call('prompt.answer', { promptId, value, ...(remember ? { remember } : {}) });
      },
      desktop: api.transport === 'ipc',
      command: null,
      async pickFile(purpose) {
        try {
          return { ok: true, ...(await api.call('app.openFile', { purpose })) };
        } catch (err) {
          return { ok: false, error: errorOf(err) };
        }
      },
      applyEvents(events) {
        const retry: string[] = [];
        set((s) => {
          let sessions = s.sessions;
          let prompts = s.prompts;
          let hostControl = s.hostControl;
          let command = s.command;
          const upgradeEvents = events.filter(isUpgradeEvent);
          for (const e of events) {
            if (e.event === 'session.state') {
              sessions = { ...sessions, [e.data.hostId]: { state: e.data.state, reason: e.data.reason } };
              // A host that came back after a failed re-attach (it was rebooting) is asked again.
              if (e.data.state === 'ready' && s.reattaching[e.data.hostId]?.status === 'error') retry.push(e.data.hostId);
            } else if (e.event === 'prompt') prompts = [...prompts.filter((p) => p.promptId !== e.data.promptId), e.data];
            else if (e.event === 'prompt.closed') prompts = prompts.filter((p) => p.promptId !== e.data.promptId);
            else if (e.event === 'app.command') command = { name: e.data.command, seq: (command?.seq ?? 0) + 1 };
            else if (e.event === 'hosts.progress' && hostControl[e.data.hostId]?.status === 'running')
              hostControl = { ...hostControl, [e.data.hostId]: { status: 'running', action: e.data.action, progress: e.data } };
          }
          return { sessions, prompts, hostControl, command, upgrades: applyUpgradeEvents(s.upgrades, upgradeEvents) };
        });
        for (const hostId of new Set(retry)) void get().reattach(hostId);
      },
      serverClosed(reason) {
        set({ server: { state: 'closed', reason } });
      },
    };
  });
}
