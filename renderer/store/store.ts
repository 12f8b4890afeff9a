// Why: one store of typed slices for the whole UI. Entities are normalised (byId + order), and
// actions are named so devtools traces read like the product. The API client is injected so
// tests and both transports use the same store. Pushed events arrive in batches (eventBuffer).
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApiClient } from '../api/client';
import type { ApiEvent } from '../../shared/api';
import type { HostRef } from '../../shared/domain/host';
import type { HostFacts } from '../../shared/domain/hostFacts';
import type { Inventory } from '../../shared/domain/inventory';
import type { PreflightResult } from '../../shared/domain/findings';
import type { Plan } from '../../shared/plan/plan';
import type { JournalRecord, UpgradeSummary } from '../../shared/domain/upgrade';
import type { ErrorInfo } from '../../shared/errors';
import { SeamlessError } from '../../shared/errors';

export type Loadable<T> = { status: 'idle' } | { status: 'loading' } | { status: 'ready'; data: T } | { status: 'error'; error: ErrorInfo };

export type Prompt = Extract<ApiEvent, { event: 'prompt' }>['data'];

export interface HostsSlice {
  hosts: { byId: Record<string, HostRef>; order: string[]; load: Loadable<true> };
  selectedHostId: string | null;
  loadHosts(): Promise<void>;
  selectHost(hostId: string): void;
  addHost(spec: string, label?: string): Promise<ErrorInfo | null>;
}

export interface HostDataSlice {
  facts: Record<string, Loadable<HostFacts>>;
  inventory: Record<string, Loadable<Inventory>>;
  preflight: Record<string, Loadable<PreflightResult>>;
  loadFacts(hostId: string): Promise<void>;
  loadInventory(hostId: string): Promise<void>;
  runPreflight(hostId: string, plan: Plan): Promise<void>;
}

export interface SessionsSlice {
  sessions: Record<string, { state: string; reason?: string }>;
  prompts: Prompt[];
  connect(hostId: string): Promise<void>;
  answerPrompt(promptId: string, value: boolean | string | null): Promise<void>;
  applyEvents(events: ApiEvent[]): void;
}

export interface UpgradeView {
  id: string;
  records: JournalRecord[];
  summary: UpgradeSummary | null;
  error: ErrorInfo | null;
}

export interface UpgradesSlice {
  /** The plan last preflighted per host: what "Start upgrade" runs. */
  plans: Record<string, Plan>;
  upgrades: Record<string, UpgradeView>;
  startUpgrade(hostId: string): Promise<void>;
  attachUpgrade(hostId: string, id: string): Promise<void>;
}

export type AppState = HostsSlice & HostDataSlice & SessionsSlice & UpgradesSlice;
export type AppStore = StoreApi<AppState>;

function errorOf(err: unknown): ErrorInfo {
  return err instanceof SeamlessError
    ? err.toInfo()
    : { code: 'AGENT_INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

type LoadableKey = 'facts' | 'inventory' | 'preflight';

export function createAppStore(api: ApiClient): AppStore {
  return createStore<AppState>()((set, get) => {
    /** Runs a call and keeps its state per host under `key`. */
    async function track<K extends LoadableKey>(
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
        set({ selectedHostId: hostId });
      },
      async addHost(spec, label) {
        try {
          const host = await api.call('hosts.add', { spec, label });
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

      facts: {},
      inventory: {},
      preflight: {},
      loadFacts: (hostId) => track('facts', hostId, () => api.call('host.facts', { hostId })),
      loadInventory: (hostId) => track('inventory', hostId, () => api.call('host.inventory', { hostId })),
      runPreflight: (hostId, plan) => {
        set((s) => ({ plans: { ...s.plans, [hostId]: plan } }));
        return track('preflight', hostId, () => api.call('host.preflight', { hostId, plan }));
      },

      plans: {},
      upgrades: {},
      async startUpgrade(hostId) {
        const plan = get().plans[hostId];
        if (!plan) return;
        try {
          const { upgradeId } = await api.call('upgrade.start', { hostId, plan });
          set((s) => ({
            upgrades: {
              ...s.upgrades,
              [hostId]: {
                id: upgradeId,
                records: s.upgrades[hostId]?.id === upgradeId ? s.upgrades[hostId].records : [],
                summary: null,
                error: null,
              },
            },
          }));
        } catch (err) {
          set((s) => ({ upgrades: { ...s.upgrades, [hostId]: { id: '', records: [], summary: null, error: errorOf(err) } } }));
        }
      },
      async attachUpgrade(hostId, id) {
        set((s) => ({ upgrades: { ...s.upgrades, [hostId]: { id, records: [], summary: null, error: null } } }));
        await api.call('upgrade.attach', { hostId, id });
      },

      sessions: {},
      prompts: [],
      async connect(hostId) {
        try {
          await api.call('host.connect', { hostId });
          // The session may have become ready before this page subscribed to its events.
          set((s) => ({ sessions: { ...s.sessions, [hostId]: { state: 'ready' } } }));
          await Promise.all([get().loadFacts(hostId), get().loadInventory(hostId)]);
        } catch (err) {
          const error = errorOf(err);
          set((s) => ({ facts: { ...s.facts, [hostId]: { status: 'error', error } } }));
        }
      },
      async answerPrompt(promptId, value) {
        set((s) => ({ prompts: s.prompts.filter((p) => p.promptId !== promptId) }));
        await api.call('prompt.answer', { promptId, value });
      },
      applyEvents(events) {
        set((s) => {
          const sessions = { ...s.sessions };
          let prompts = s.prompts;
          const upgrades = { ...s.upgrades };
          for (const e of events) {
            if (e.event === 'upgrade.record' || e.event === 'upgrade.summary') {
              const cur = upgrades[e.data.hostId];
              const view: UpgradeView =
                cur && cur.id === e.data.id ? { ...cur } : { id: e.data.id, records: [], summary: null, error: null };
              if (e.event === 'upgrade.record') {
                if (!view.records.some((r) => r.seq === e.data.record.seq)) view.records = [...view.records, e.data.record];
              } else {
                view.summary = e.data.summary;
                view.error = e.data.error ?? null;
              }
              upgrades[e.data.hostId] = view;
              continue;
            }
            if (e.event === 'session.state') sessions[e.data.hostId] = { state: e.data.state, reason: e.data.reason };
            else if (e.event === 'prompt') prompts = [...prompts.filter((p) => p.promptId !== e.data.promptId), e.data];
            else if (e.event === 'prompt.closed') prompts = prompts.filter((p) => p.promptId !== e.data.promptId);
          }
          return { sessions, prompts, upgrades };
        });
      },
    };
  });
}
