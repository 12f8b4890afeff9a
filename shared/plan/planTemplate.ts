// Why: a fleet is upgraded from one file, not one plan per host. A template says what to carry
// (services and containers by name, never a PID), into which kernel ("the newest installed", or
// a release) and how, and each host resolves it against its own facts and inventory into the one
// Plan shape preflight and the upgrade read. What does not resolve on a host (a unit it does not
// have, no newer kernel) is that host's problem, named; nothing is guessed.
import * as z from '../zod';
import type { HostFacts } from '../domain/hostFacts';
import type { Inventory, Workload } from '../domain/inventory';
import { PLAN_OPTION_DEFAULTS, PLAN_VERSION, planOptionsSchema, planSchema, selectorSchema, type Plan, type Store } from './plan';
import { parseSelector, unitName } from './selector';
import { resolveSelection } from './resolveSelection';

export const PLAN_TEMPLATE_VERSION = 1;
export const PLAN_TEMPLATE_KIND = 'plan-template';

/** Selectors that name one host's processes: meaningless on another host. */
const HOST_SPECIFIC = /^(pid|session):/;
export const TEMPLATE_SELECTOR_HINT =
  'pid:N and session:ID name one host’s processes; a template selects by name: unit:NAME, container:NAME or user-unit:UID/NAME';

export const templateSelectorSchema = selectorSchema.check(z.refine((s: string) => !HOST_SPECIFIC.test(s), TEMPLATE_SELECTOR_HINT));

export const templateKernelSchema = z.union([
  /** The highest version installed in the host's /boot (with its initrd); a problem when it already runs. */
  z.object({ newest: z.literal(true) }),
  z.object({ release: z.string().check(z.regex(/^[\w.+~-]+$/, 'a kernel release as /boot names it (6.1.0-50-amd64)')) }),
  /** An image by path, the same on every host (its initrd given, or the one /boot pairs with it). */
  z.object({
    image: z.string().check(z.startsWith('/'), z.maxLength(4096)),
    initrd: z._default(z.nullable(z.string().check(z.startsWith('/'), z.maxLength(4096))), null),
  }),
]);
export type TemplateKernel = z.infer<typeof templateKernelSchema>;

export const templateStoreSchema = z.discriminatedUnion('kind', [
  /** Without a device: the host's first /dev/pmemN (each host may number its own). */
  z.object({ kind: z.literal('pmem'), device: z.optional(z.string().check(z.regex(/^\/dev\/pmem\d+$/))) }),
  z.object({ kind: z.literal('dir'), path: z.string().check(z.startsWith('/')) }),
]);
export type TemplateStore = z.infer<typeof templateStoreSchema>;

/** A command the orchestrator runs on the host after the upgrade (exit 0 = healthy), within its timeout. */
export const healthCheckSchema = z.object({
  name: z.string().check(z.regex(/^[\w][\w .:-]{0,63}$/, 'a short name: letters, digits, space, . : - _')),
  command: z.string().check(z.minLength(1), z.maxLength(4096)),
  timeoutSeconds: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(3600)), 60),
});
export type HealthCheck = z.infer<typeof healthCheckSchema>;

export const planTemplateSchema = z.object({
  version: z.literal(PLAN_TEMPLATE_VERSION),
  kind: z.literal(PLAN_TEMPLATE_KIND),
  createdAt: z.string(),
  workloads: z.array(templateSelectorSchema).check(z.minLength(1, 'select at least one workload'), z.maxLength(10_000)),
  kernel: templateKernelSchema,
  /** null: today's command line without an earlier seamless.restore, plus the store reservation. */
  cmdline: z._default(z.nullable(z.string().check(z.maxLength(4096))), null),
  store: z._default(templateStoreSchema, { kind: 'pmem' }),
  options: z._default(planOptionsSchema, PLAN_OPTION_DEFAULTS),
  healthChecks: z._default(z.array(healthCheckSchema).check(z.maxLength(100)), []),
});
export type PlanTemplate = z.infer<typeof planTemplateSchema>;
export type PlanTemplateInput = z.input<typeof planTemplateSchema>;

export const TEMPLATE_PROBLEM_CODES = [
  'workload.not-found',
  'kernel.none-installed',
  'kernel.not-installed',
  'kernel.already-running',
  'kernel.older-than-running',
  'kernel.ambiguous',
  'store.no-pmem',
] as const;
export type TemplateProblemCode = (typeof TEMPLATE_PROBLEM_CODES)[number];
export const templateProblemSchema = z.object({ code: z.enum(TEMPLATE_PROBLEM_CODES), message: z.string() });
export type TemplateProblem = z.infer<typeof templateProblemSchema>;

export type TemplateResolution = { ok: true; plan: Plan } | { ok: false; problems: TemplateProblem[] };

const issuesText = (issues: readonly { path: readonly PropertyKey[]; message: string }[], what: string) =>
  issues.map((i) => `${i.path.map(String).join('.') || `(${what})`}: ${i.message}`).join('; ');

/** Parses a template file's text, with messages that say which field is wrong. */
export function parsePlanTemplate(text: string): { ok: true; template: PlanTemplate } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `the template is not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  return parsePlanTemplateJson(json);
}

export function parsePlanTemplateJson(json: unknown): { ok: true; template: PlanTemplate } | { ok: false; message: string } {
  if (typeof json === 'object' && json !== null && 'version' in json && json.version !== PLAN_TEMPLATE_VERSION)
    return {
      ok: false,
      message: `the template has version ${String(json.version)}; this Seamless reads version ${PLAN_TEMPLATE_VERSION}`,
    };
  const parsed = planTemplateSchema.safeParse(json);
  return parsed.success ? { ok: true, template: parsed.data } : { ok: false, message: issuesText(parsed.error.issues, 'template') };
}

/** Whether a parsed JSON document says it is a template (by its `kind`); a plan has none. */
export const isTemplateJson = (json: unknown): boolean =>
  typeof json === 'object' && json !== null && 'kind' in json && json.kind === PLAN_TEMPLATE_KIND;

/** What the admin chose for a template (`seamless plan --template`): the same words as a plan draft. */
export interface TemplateDraft {
  selectors: string[];
  /** `newest`, a release from /boot, or an absolute path to an image. */
  kernel: string;
  /** With an image by path only. */
  initrd?: string;
  cmdline?: string;
  /** `pmem` (each host's first pmem device; the default), `/dev/pmemN`, or an absolute directory. */
  store?: string;
  options?: Partial<Plan['options']>;
  healthChecks?: { name: string; command: string; timeoutSeconds?: number }[];
  now?: Date;
}

/** A store as the command line names it: `pmem`, `/dev/pmemN` or an absolute directory; null for anything else. */
export function parseStoreSpec(spec: string): TemplateStore | null {
  if (spec === 'pmem') return { kind: 'pmem' };
  if (/^\/dev\/pmem\d+$/.test(spec)) return { kind: 'pmem', device: spec };
  if (spec.startsWith('/')) return { kind: 'dir', path: spec };
  return null;
}

export const STORE_SPEC_HINT = 'a store is "pmem", /dev/pmemN or an absolute directory';

/** Builds a template from what the admin chose; refuses host-specific selectors and bad fields with what is wrong. */
export function buildPlanTemplate(d: TemplateDraft): { ok: true; template: PlanTemplate } | { ok: false; message: string } {
  const store = d.store === undefined ? { kind: 'pmem' as const } : parseStoreSpec(d.store);
  if (!store) return { ok: false, message: `store: ${STORE_SPEC_HINT}, not "${d.store}"` };
  return parsePlanTemplateJson({
    version: PLAN_TEMPLATE_VERSION,
    kind: PLAN_TEMPLATE_KIND,
    createdAt: (d.now ?? new Date()).toISOString(),
    workloads: d.selectors,
    kernel:
      d.kernel === 'newest'
        ? { newest: true }
        : d.kernel.startsWith('/')
          ? { image: d.kernel, initrd: d.initrd ?? null }
          : { release: d.kernel },
    cmdline: d.cmdline ?? null,
    store,
    options: { ...PLAN_OPTION_DEFAULTS, ...d.options },
    healthChecks: d.healthChecks ?? [],
  });
}

// ---- kernel versions ----

interface KernelVersion {
  upstream: number[];
  abi: number[];
  /** What follows the numbers: `amd64`, `cloud-amd64`, `generic`, `fc39.x86_64`. */
  flavour: string;
}

/** `6.1.0-50-amd64` → upstream [6,1,0], abi [50], flavour `amd64`; Fedora's `6.5.6-300.fc39.x86_64` → [6,5,6], [300], `fc39.x86_64`. */
export function parseKernelRelease(release: string): KernelVersion {
  const m = /^(\d+(?:\.\d+)*)(?:-(\d+(?:\.\d+)*))?(?:[-.+~_](.*))?$/.exec(release);
  if (!m) return { upstream: [], abi: [], flavour: release };
  const nums = (s: string | undefined) => (s ? s.split('.').map(Number) : []);
  return { upstream: nums(m[1]), abi: nums(m[2]), flavour: m[3] ?? '' };
}

function compareNumbers(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** Orders kernel releases by version, numerically (6.1.0-50 > 6.1.0-9 > 5.10.0-30); the flavour does not count. */
export function compareKernelVersions(a: string, b: string): number {
  const x = parseKernelRelease(a);
  const y = parseKernelRelease(b);
  return compareNumbers(x.upstream, y.upstream) || compareNumbers(x.abi, y.abi);
}

type BootKernel = HostFacts['bootKernels'][number];

function newestKernel(facts: HostFacts, host: string): { ok: true; kernel: BootKernel } | { ok: false; problem: TemplateProblem } {
  const installed = facts.bootKernels;
  const running = facts.kernel.release;
  if (installed.length === 0)
    return { ok: false, problem: { code: 'kernel.none-installed', message: `${host} has no kernel in /boot (vmlinuz-VERSION).` } };
  const sorted = [...installed].sort((a, b) => compareKernelVersions(b.version, a.version));
  const top = sorted.filter((k) => compareKernelVersions(k.version, sorted[0]!.version) === 0);
  let newest = top[0]!;
  if (top.length > 1) {
    // The same version in two flavours (amd64, cloud-amd64, rt-amd64): the running one's flavour, or nothing.
    const flavour = parseKernelRelease(running).flavour;
    const same = top.filter((k) => parseKernelRelease(k.version).flavour === flavour);
    if (same.length !== 1)
      return {
        ok: false,
        problem: {
          code: 'kernel.ambiguous',
          message: `${host} has the newest version in several flavours (${top.map((k) => k.version).join(', ')}), none of them the running kernel's (${running}): name one with kernel.release.`,
        },
      };
    newest = same[0]!;
  }
  if (newest.version === running)
    return {
      ok: false,
      problem: {
        code: 'kernel.already-running',
        message: `${host} already runs the newest installed kernel ${running}: nothing to upgrade.`,
      },
    };
  if (compareKernelVersions(newest.version, running) < 0)
    return {
      ok: false,
      problem: {
        code: 'kernel.older-than-running',
        message: `The newest kernel installed on ${host} (${newest.version}) is older than the one it runs (${running}): nothing newer to upgrade to.`,
      },
    };
  return { ok: true, kernel: newest };
}

// ---- workloads ----

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}

const stem = (name: string) => name.replace(/\.(service|scope|socket|slice)$/, '').toLowerCase();

/** The host's workloads of the same kind whose names are close to what was asked for (a typo, a suffix, a prefix). */
function closeTo(selector: string, workloads: readonly Workload[]): string[] {
  const s = parseSelector(selector);
  if (!s || (s.kind !== 'unit' && s.kind !== 'container' && s.kind !== 'user-unit')) return [];
  const prefix = `${s.kind}:`;
  const want = stem(s.name);
  return workloads
    .filter((w) => w.id.startsWith(prefix))
    .map((w) => ({ id: w.id, name: stem(w.id.slice(prefix.length).replace(/^\d+\//, '')) }))
    .map((w) => ({ ...w, d: w.name.includes(want) || want.includes(w.name) ? 0 : editDistance(want, w.name) }))
    .filter((w) => w.d <= Math.max(1, Math.floor(want.length / 3)))
    .sort((a, b) => a.d - b.d || a.id.localeCompare(b.id))
    .slice(0, 5)
    .map((w) => w.id);
}

function workloadProblem(selector: string, host: string, inventory: Inventory): TemplateProblem {
  const s = parseSelector(selector);
  const asked = s?.kind === 'unit' && unitName(s.name) !== s.name ? `${selector} (${unitName(s.name)})` : selector;
  const close = closeTo(selector, inventory.workloads);
  const kind = s?.kind === 'container' ? 'containers' : s?.kind === 'user-unit' ? 'user services' : 'services';
  const count = inventory.workloads.filter((w) => s && w.id.startsWith(`${s.kind}:`)).length;
  return {
    code: 'workload.not-found',
    message: `Nothing running on ${host} is ${asked}; ${
      close.length ? `close: ${close.join(', ')}` : `no ${kind} with a close name (${count} running)`
    }.`,
  };
}

/**
 * The plan this template means on one host: its workloads by their exact names there (`unit:redis-server` →
 * `unit:redis-server.service`), the kernel from its /boot, its pmem device. Every problem is listed, none guessed.
 */
export function resolvePlanTemplate(
  template: PlanTemplate,
  facts: HostFacts,
  inventory: Inventory,
  hostname: string,
  now: Date = new Date(),
): TemplateResolution {
  const problems: TemplateProblem[] = [];
  const { found, unresolved } = resolveSelection(template.workloads, inventory);
  for (const sel of unresolved) problems.push(workloadProblem(sel, hostname, inventory));
  // The inventory's own name (exact, with its unit suffix), once each.
  const workloads = [...new Set(found.map((f) => f.workload.id))];

  let kernel: Plan['kernel'] | null = null;
  const fromBoot = (k: BootKernel): Plan['kernel'] => ({ release: k.version, image: k.image, initrd: k.initrd, cmdline: template.cmdline });
  if ('newest' in template.kernel) {
    const newest = newestKernel(facts, hostname);
    if (newest.ok) kernel = fromBoot(newest.kernel);
    else problems.push(newest.problem);
  } else if ('release' in template.kernel) {
    const release = template.kernel.release;
    const k = facts.bootKernels.find((b) => b.version === release);
    if (!k)
      problems.push({
        code: 'kernel.not-installed',
        message: `Kernel ${release} is not installed in /boot on ${hostname} (installed: ${facts.bootKernels.map((b) => b.version).join(', ') || 'none'}).`,
      });
    else if (release === facts.kernel.release)
      problems.push({ code: 'kernel.already-running', message: `${hostname} already runs ${release}: nothing to upgrade.` });
    else kernel = fromBoot(k);
  } else {
    // An image by path: preflight checks the file itself; /boot names its release when it is there.
    const { image, initrd } = template.kernel;
    const k = facts.bootKernels.find((b) => b.image === image);
    if (k && k.version === facts.kernel.release)
      problems.push({ code: 'kernel.already-running', message: `${hostname} already runs ${k.version} (${image}): nothing to upgrade.` });
    else kernel = { release: k?.version ?? null, image, initrd: initrd ?? k?.initrd ?? null, cmdline: template.cmdline };
  }

  let store: Store | null = null;
  if (template.store.kind === 'dir') store = template.store;
  else if (template.store.device) store = { kind: 'pmem', device: template.store.device };
  else {
    const dev = facts.pmem.devices[0];
    if (dev) store = { kind: 'pmem', device: `/dev/${dev.name}` };
    else
      problems.push({
        code: 'store.no-pmem',
        message: `${hostname} has no /dev/pmemN device for the pmem store: reserve one (memmap=SIZE!OFFSET, one reboot), or make the template's store a directory.`,
      });
  }

  if (problems.length > 0 || !kernel || !store) return { ok: false, problems };
  const plan = planSchema.parse({
    version: PLAN_VERSION,
    host: hostname,
    createdAt: now.toISOString(),
    workloads,
    kernel,
    store,
    options: template.options,
  });
  return { ok: true, plan };
}

/** The problems as lines an admin reads (and a playbook prints). */
export const formatTemplateProblems = (problems: readonly TemplateProblem[]): string =>
  problems.map((p) => `${p.code}: ${p.message}`).join('\n');
