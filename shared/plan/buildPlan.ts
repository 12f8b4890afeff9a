// Why: `seamless plan` and the UI make plans the same way: the kernel named by release is found
// in the host's /boot (with its initrd), every selector must match a running workload, and a
// store defaults to the host's pmem device when it has one. Bad input is refused with what to
// do, before a file is written.
import { SeamlessError } from '../errors';
import type { HostFacts } from '../domain/hostFacts';
import type { Inventory } from '../domain/inventory';
import { PLAN_OPTION_DEFAULTS, PLAN_VERSION, planSchema, type Plan, type Store } from './plan';
import { resolveSelection } from './resolveSelection';
import type { PlanDraft } from './planDraft';
import { parseStoreSpec } from './planTemplate';

/** A draft (what the admin chose) for one host; `now` fixes createdAt in tests. */
export interface PlanRequest extends PlanDraft {
  host: string;
  now?: Date;
}

function storeFor(spec: string | undefined, facts: HostFacts): Store {
  const store = parseStoreSpec(spec ?? 'pmem');
  if (!store) throw new SeamlessError('PLAN_INVALID', `--store must be "pmem", /dev/pmemN or an absolute directory, not "${spec}".`);
  if (store.kind === 'dir') return store;
  if (store.device) return { kind: 'pmem', device: store.device };
  const dev = facts.pmem.devices[0];
  if (!dev) {
    // No silent fallback to the slower disk store: the admin chooses it.
    throw new SeamlessError(
      'PLAN_INVALID',
      'The host has no /dev/pmemN device for a pmem store. Reserve one (memmap=SIZE!OFFSET, one reboot) or choose a directory store: --store /var/lib/seamless/images (slower: every image byte is written and read back).',
      {
        evidence: `pmem regions: ${facts.pmem.regions.length}, devices: none`,
      },
    );
  }
  return { kind: 'pmem', device: `/dev/${dev.name}` };
}

export function buildPlan(req: PlanRequest, facts: HostFacts, inventory: Inventory): Plan {
  const { unresolved } = resolveSelection(req.selectors, inventory);
  if (unresolved.length > 0) {
    throw new SeamlessError(
      'WORKLOAD_NOT_FOUND',
      `Nothing on ${facts.hostname} matches ${unresolved.join(', ')}. Check the selector with \`seamless inventory\`; a PID may have exited.`,
      {
        evidence: `workloads: ${inventory.workloads
          .slice(0, 12)
          .map((w) => w.id)
          .join(', ')}${inventory.workloads.length > 12 ? ', …' : ''}`,
      },
    );
  }
  let kernel: Plan['kernel'];
  if (req.kernel.startsWith('/')) {
    // An image from /boot is the kernel installed there, with its release and initrd.
    const k = facts.bootKernels.find((b) => b.image === req.kernel);
    kernel = { release: k?.version ?? null, image: req.kernel, initrd: req.initrd ?? k?.initrd ?? null, cmdline: req.cmdline ?? null };
  } else {
    const k = facts.bootKernels.find((b) => b.version === req.kernel);
    if (!k) {
      throw new SeamlessError('KERNEL_NOT_FOUND', `Kernel ${req.kernel} is not installed in /boot on ${facts.hostname}.`, {
        evidence: `installed: ${facts.bootKernels.map((b) => b.version).join(', ') || 'none'}`,
      });
    }
    kernel = { release: k.version, image: k.image, initrd: req.initrd ?? k.initrd, cmdline: req.cmdline ?? null };
  }
  const parsed = planSchema.safeParse({
    version: PLAN_VERSION,
    host: req.host,
    createdAt: (req.now ?? new Date()).toISOString(),
    workloads: req.selectors,
    kernel,
    store: storeFor(req.store, facts),
    options: { ...PLAN_OPTION_DEFAULTS, ...req.options },
  });
  if (!parsed.success) {
    throw new SeamlessError('PLAN_INVALID', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  }
  return parsed.data;
}
