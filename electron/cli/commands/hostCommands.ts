// Why: the CLI commands that read a host (facts, inventory, files) or judge a plan on it
// (preflight), and the one that writes a plan. Each runs the same controller API as the UI.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { LOCAL_HOST_ID } from '../../../shared/domain/host';
import { SeamlessError } from '../../../shared/errors';
import { buildPlan } from '../../../shared/plan/buildPlan';
import { parsePlan } from '../../../shared/plan/plan';
import { resolveSelection } from '../../../shared/plan/resolveSelection';
import type { Controller } from '../../controller/controller';
import { formatFacts } from '../factsFormat';
import { formatFiles, formatInventory, formatPreflight } from '../inventoryFormat';
import { requireLocal, UsageError } from '../usage';

const hostOptions = { local: { type: 'boolean' }, host: { type: 'string' }, json: { type: 'boolean' } } as const;
const out = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const json = (v: unknown) => out(JSON.stringify(v, null, 2));

export async function factsCommand(c: Controller, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: hostOptions, strict: true });
  requireLocal(values);
  const f = await c.api['host.facts']({ hostId: LOCAL_HOST_ID });
  if (values.json) json(f);
  else out(formatFacts('this machine', f));
  return 0;
}

export async function inventoryCommand(c: Controller, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: hostOptions, strict: true });
  requireLocal(values);
  const inv = await c.api['host.inventory']({ hostId: LOCAL_HOST_ID });
  if (values.json) json(inv);
  else out(formatInventory(inv));
  return 0;
}

export async function filesCommand(c: Controller, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { ...hostOptions, select: { type: 'string' } }, strict: true });
  requireLocal(values);
  if (!values.select) throw new UsageError('Say which workload: --select pid:N|unit:NAME|container:NAME');
  const inv = await c.api['host.inventory']({ hostId: LOCAL_HOST_ID });
  const { found, unresolved } = resolveSelection([values.select], inv);
  if (unresolved.length > 0 || !found[0])
    throw new SeamlessError('WORKLOAD_NOT_FOUND', `Nothing matches ${values.select}; see \`seamless inventory\`.`);
  const files = await c.api['host.files']({ hostId: LOCAL_HOST_ID, pids: found[0].workload.pids });
  if (values.json) json(files);
  else out(formatFiles(files));
  return 0;
}

export async function planCommand(c: Controller, args: string[]): Promise<number> {
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
  requireLocal(values);
  if (!values.select?.length) throw new UsageError('Select at least one workload: --select pid:N|unit:NAME|container:NAME');
  if (!values.kernel) throw new UsageError('Say which kernel: --kernel RELEASE (from /boot) or --kernel /path/to/vmlinuz');
  if (!values.out) throw new UsageError('Say where to write the plan: --out FILE');
  const [facts, inventory] = await Promise.all([
    c.api['host.facts']({ hostId: LOCAL_HOST_ID }),
    c.api['host.inventory']({ hostId: LOCAL_HOST_ID }),
  ]);
  const plan = buildPlan(
    {
      host: LOCAL_HOST_ID,
      selectors: values.select,
      kernel: values.kernel,
      initrd: values.initrd,
      cmdline: values.cmdline,
      store: values.store,
    },
    facts,
    inventory,
  );
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

export async function preflightCommand(c: Controller, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { plan: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
  if (!values.plan) throw new UsageError('Say which plan: --plan FILE (make one with `seamless plan`)');
  let text: string;
  try {
    text = readFileSync(values.plan, 'utf8');
  } catch (err) {
    throw new SeamlessError('PLAN_INVALID', `Cannot read the plan ${values.plan}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = parsePlan(text);
  if (!parsed.ok) throw new SeamlessError('PLAN_INVALID', `${values.plan}: ${parsed.message}`);
  requireLocal({ host: parsed.plan.host });
  const result = await c.api['host.preflight']({ hostId: LOCAL_HOST_ID, plan: parsed.plan });
  if (values.json) json(result);
  else out(formatPreflight(result));
  return result.canStart ? 0 : 1;
}
