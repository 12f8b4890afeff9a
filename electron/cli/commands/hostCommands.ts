// Why: the CLI commands that read a host (facts, inventory, files) or judge a plan on it
// (preflight), and the one that writes a plan. Each runs the same controller API as the UI.
import { renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SeamlessError } from '../../../shared/errors';
import { resolveSelection } from '../../../shared/plan/resolveSelection';
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
    },
    strict: true,
  });
  const hostId = hostIdOf(values);
  if (!values.select?.length) throw new UsageError('Select at least one workload: --select pid:N|unit:NAME|container:NAME');
  if (!values.kernel) throw new UsageError('Say which kernel: --kernel RELEASE (from /boot) or --kernel /path/to/vmlinuz');
  if (!values.out) throw new UsageError('Say where to write the plan: --out FILE');
  const plan = await make(acceptFor(hostId, values['accept-host-key'])).api['plan.build']({
    hostId,
    draft: { selectors: values.select, kernel: values.kernel, initrd: values.initrd, cmdline: values.cmdline, store: values.store },
  });
  // Written whole or not at all.
  const tmp = `${values.out}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(plan, null, 2)}\n`);
  renameSync(tmp, values.out);
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
