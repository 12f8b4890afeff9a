// Why: what the admin has chosen for a host (workloads, kernel, store, options) is one value,
// kept in the store and sent as it is to `plan.build`; the host resolves it into the Plan that
// preflight checks and the upgrade runs. Every edit bumps `rev`, so a plan checked for an
// older draft is never the one that runs.
import type { HostFacts } from '../../shared/domain/hostFacts';
import { PLAN_OPTION_DEFAULTS, type Plan, type PlanOptions } from '../../shared/plan/plan';
import type { PlanDraft } from '../../shared/plan/planDraft';

export interface DraftState {
  /** Bumped by every edit. */
  rev: number;
  /** Selectors in the order they were ticked (`pid:N`, `unit:NAME`, … as the inventory names them). */
  selectors: string[];
  /** A release from /boot (`6.1.0-50-amd64`) or an absolute path to an image. */
  kernel: string;
  /** `/dev/pmemN` or an absolute directory. */
  store: string;
  options: PlanOptions;
}

export const DIR_STORE_DEFAULT = '/var/lib/seamless/images';

export const emptyDraft = (): DraftState => ({
  rev: 0,
  selectors: [],
  kernel: '',
  store: '',
  options: { ...PLAN_OPTION_DEFAULTS, acknowledge: [] },
});

const edited = (d: DraftState, change: Partial<Omit<DraftState, 'rev'>>): DraftState => ({ ...d, ...change, rev: d.rev + 1 });

/** Fills what the admin has not chosen yet from the host: the newest kernel not running, the first pmem device. */
export function seedDraft(d: DraftState, facts: HostFacts): DraftState {
  const kernel = d.kernel || (facts.bootKernels.find((k) => !k.running)?.image ?? '');
  const pmem = facts.pmem.devices[0];
  const store = d.store || (pmem ? `/dev/${pmem.name}` : DIR_STORE_DEFAULT);
  return kernel === d.kernel && store === d.store ? d : edited(d, { kernel, store });
}

export function toggleSelector(d: DraftState, selector: string): DraftState {
  const has = d.selectors.includes(selector);
  return edited(d, { selectors: has ? d.selectors.filter((s) => s !== selector) : [...d.selectors, selector] });
}

export const setKernel = (d: DraftState, kernel: string): DraftState => (kernel === d.kernel ? d : edited(d, { kernel }));
export const setStore = (d: DraftState, store: string): DraftState => (store === d.store ? d : edited(d, { store }));

export function setOption<K extends Exclude<keyof PlanOptions, 'acknowledge'>>(d: DraftState, key: K, value: PlanOptions[K]): DraftState {
  return d.options[key] === value ? d : edited(d, { options: { ...d.options, [key]: value } });
}

/** Accepts (or no longer accepts) one blocking finding by id: one by one, never all. */
export function toggleAcknowledge(d: DraftState, findingId: string): DraftState {
  const has = d.options.acknowledge.includes(findingId);
  const acknowledge = has ? d.options.acknowledge.filter((a) => a !== findingId) : [...d.options.acknowledge, findingId];
  return edited(d, { options: { ...d.options, acknowledge } });
}

/** A draft from a plan file (the JSON `seamless plan` writes and the app saves): the same choices, ready to check again. */
export function fromPlan(d: DraftState, plan: Plan): DraftState {
  return edited(d, {
    selectors: [...plan.workloads],
    kernel: plan.kernel.image,
    store: plan.store.kind === 'pmem' ? plan.store.device : plan.store.path,
    options: { ...plan.options, acknowledge: [...plan.options.acknowledge] },
  });
}

/** The draft as `plan.build` takes it; blank fields are left to the host's defaults. */
export function toPlanDraft(d: DraftState): PlanDraft {
  return {
    selectors: d.selectors,
    kernel: d.kernel.trim(),
    ...(d.store.trim() ? { store: d.store.trim() } : {}),
    options: d.options,
  };
}
