// Why: the CLI commands that read a host (facts, inventory, files) or judge a plan on it
// (preflight), and the one that writes a plan. Each runs the same controller API as the UI.
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SeamlessError } from '../../../shared/errors';
import { resolveSelection } from '../../../shared/plan/resolveSelection';
import { buildPlanTemplate } from '../../../shared/plan/planTemplate';
import type { Controller } from '../../controller/controller';
import { formatFacts } from '../factsFormat';
import { formatFiles, formatInventory } from '../inventoryFormat';
import { formatPreflight } from '../../../shared/text/preflightText';
import { hostIdOf, UsageError } from '../usage';
import { EXIT } from '../exitCodes';
import { readPlanFile } from '../planFile';

/** Makes the controller once the command knows its options (--accept-host-key for one host). */
export type ControllerFactory = (acceptHostKey?: { hostId: string; fingerprint: string }) => Controller;

const hostOptions = {
  local: { type: 'boolean' },
  host: { type: 'string' },
  json: { type: 'boolean' },
  'accept-host-key': { type: 'string' },
} as const;
const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const json = (v: unknown) => out(JSON.stringify(v, null, 2));

function acceptFor(hostId: string, fp: string | undefined) {
  if (fp === undefined) return undefined;
  if (!/^SHA256:[A-Za-z0-9+/]{43}$/.test(fp))
    throw new UsageError(`--accept-host-key takes a fingerprint as ssh-keygen -lf prints it (SHA256:…), not "${fp}"`);
  return { hostId, fingerprint: fp };
}

export async function factsCommand(make: ControllerFactory, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: hostOptions, strict: true });
  const hostId = hostIdOf(values);
  const c = make(acceptFor(hostId, values['accept-host-key']));
  const f = await c.api['host.facts']({ hostId });
  if (values.json) json(f);
  else out(formatFacts(hostId === 'local' ? 'this machine' : hostId, f));
  return 0;
}

export async function inventoryCommand(make: ControllerFactory, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: hostOptions, strict: true });
  const hostId = hostIdOf(values);
  const inv = await make(acceptFor(hostId, values['accept-host-key'])).api['host.inventory']({ hostId });
  if (values.json) json(inv);
  else out(formatInventory(inv));
  return 0;
}

export async function filesCommand(make: ControllerFactory, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...hostOptions, select: { type: 'string' } }, strict: true });
  const hostId = hostIdOf(values);
  if (!values.select) throw new UsageError('Say which workload: --select pid:N|unit:NAME|container:NAME');
  const c = make(acceptFor(hostId, values['accept-host-key']));
  const inv = await c.api['host.inventory']({ hostId });
  const { found, unresolved } = resolveSelection([values.select], inv);
  if (unresolved.length > 0 || !found[0])
    throw new SeamlessError('WORKLOAD_NOT_FOUND', `Nothing matches ${values.select}; see \`seamless inventory\`.`);
  const files = await c.api['host.files']({ hostId, pids: found[0].workload.pids });
  if (values.json) json(files);
  else out(formatFiles(files));
  return 0;
}

/** Writes text whole or not at all. */
function writeWhole(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** `--health NAME=COMMAND` → a health check (the default timeout). */
function healthCheckOf(spec: string): { name: string; command: string } {
  const eq = spec.indexOf('=');
  if (eq <= 0 || eq === spec.length - 1) throw new UsageError(`--health takes NAME=COMMAND (redis=redis-cli ping), not "${spec}"`);
  return { name: spec.slice(0, eq), command: spec.slice(eq + 1) };
}

/**
 * `seamless plan --template`: no host is asked; the selectors and the kernel stay names that each
 * host resolves (seamless-agent resolve), so one file serves a group.
 */
function planTemplateCommand(values: {
  select: string[];
  kernel: string;
  out: string;
  initrd?: string;
  cmdline?: string;
  store?: string;
  health?: string[];
  json?: boolean;
}): number {
  const built = buildPlanTemplate({
    selectors: values.select,
    kernel: values.kernel,
    initrd: values.initrd,
    cmdline: values.cmdline,
    store: values.store,
    healthChecks: (values.health ?? []).map(healthCheckOf),
  });
  if (!built.ok) throw new SeamlessError('PLAN_INVALID', `The template is not valid: ${built.message}`);
  const t = built.template;
  writeWhole(values.out, `${JSON.stringify(t, null, 2)}\n`);
  if (values.json) json(t);
  else
    out(
      `Wrote the template ${values.out}: ${t.workloads.join(', ')} → ${'newest' in t.kernel ? 'the newest installed kernel' : 'release' in t.kernel ? t.kernel.release : t.kernel.image}, store ${t.store.kind === 'dir' ? t.store.path : (t.store.device ?? "each host's first pmem device")}${t.healthChecks.length ? `, health checks: ${t.healthChecks.map((h) => h.name).join(', ')}` : ''}.\nEach host resolves it (seamless-agent resolve --plan FILE). Next: seamless export ansible --plan ${values.out} --out DIR`,
    );
  return EXIT.ok;
}

export async function planCommand(make: ControllerFactory, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ...hostOptions,
      select: { type: 'string', multiple: true },
      kernel: { type: 'string' },
      initrd: { type: 'string' },
      cmdline: { type: 'string' },
      store: { type: 'string' },
      out: { type: 'string' },
      template: { type: 'boolean' },
      health: { type: 'string', multiple: true },
    },
    strict: true,
  });
  if (!values.select?.length) throw new UsageError('Select at least one workload: --select pid:N|unit:NAME|container:NAME');
  if (!values.kernel)
    throw new UsageError(
      values.template
        ? 'Say which kernel: --kernel newest (each host’s newest in /boot) or --kernel RELEASE'
        : 'Say which kernel: --kernel RELEASE (from /boot) or --kernel /path/to/vmlinuz',
    );
  if (!values.out) throw new UsageError(`Say where to write the ${values.template ? 'template' : 'plan'}: --out FILE`);
  if (values.template) {
    if (values.local || values.host !== undefined) throw new UsageError('A template is for any host: leave out --local and --host.');
    if (values.initrd !== undefined && !values.kernel.startsWith('/'))
      throw new UsageError('--initrd goes with a kernel image by path; a release takes the initrd /boot pairs with it on each host.');
    return planTemplateCommand({ ...values, select: values.select, kernel: values.kernel, out: values.out });
  }
  if (values.health !== undefined) throw new UsageError('--health belongs to a template (--template): the playbook runs the checks.');
  const hostId = hostIdOf(values);
  const plan = await make(acceptFor(hostId, values['accept-host-key'])).api['plan.build']({
    hostId,
    draft: { selectors: values.select, kernel: values.kernel, initrd: values.initrd, cmdline: values.cmdline, store: values.store },
  });
  writeWhole(values.out, `${JSON.stringify(plan, null, 2)}\n`);
  if (values.json) json(plan);
  else
    out(
      `Wrote ${values.out}: ${plan.workloads.join(', ')} → ${plan.kernel.release ?? plan.kernel.image}, store ${plan.store.kind === 'pmem' ? plan.store.device : plan.store.path}.\nNext: seamless preflight --plan ${values.out}`,
    );
  return 0;
}

export async function preflightCommand(make: ControllerFactory, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { plan: { type: 'string' }, json: { type: 'boolean' }, 'accept-host-key': { type: 'string' } },
    strict: true,
  });
  if (!values.plan) throw new UsageError('Say which plan: --plan FILE (make one with `seamless plan`)');
  const plan = readPlanFile(values.plan);
  const hostId = plan.host;
  const result = await make(acceptFor(hostId, values['accept-host-key'])).api['host.preflight']({ hostId, plan });
  if (values.json) json(result);
  else out(formatPreflight(result));
  return result.canStart ? EXIT.ok : EXIT.refused;
}
