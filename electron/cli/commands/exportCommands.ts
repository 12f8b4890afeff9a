// Why: `seamless export ansible --plan TEMPLATE --out DIR`: the playbook that rolls a template
// over a fleet (electron/export/). Writes files only; no host is contacted.
import { parseArgs } from 'node:util';
import type { BatchSize } from '../../export/ansiblePlaybook';
import { exportAnsible } from '../../export/exportAnsible';
import { EXIT } from '../exitCodes';
import { UsageError } from '../usage';

function batchOf(v: string | undefined): BatchSize {
  if (v === undefined) return { kind: 'hosts', n: 1 };
  const m = /^([1-9]\d{0,5})(%?)$/.exec(v);
  if (!m || (m[2] && Number(m[1]) > 100)) throw new UsageError(`--batch takes a number of hosts (5) or a share (25%), not "${v}"`);
  return m[2] ? { kind: 'percent', n: Number(m[1]) } : { kind: 'hosts', n: Number(m[1]) };
}

function numberIn(flag: string, v: string | undefined, fallback: number, max: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > max) throw new UsageError(`${flag} takes a whole number from 0 to ${max}, not "${v}"`);
  return n;
}

async function exportAnsibleCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      plan: { type: 'string' },
      out: { type: 'string' },
      inventory: { type: 'string' },
      batch: { type: 'string' },
      pause: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'max-fail-percentage': { type: 'string' },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  if (!values.plan) throw new UsageError('Say which template: --plan FILE (seamless plan --template writes one)');
  if (!values.out) throw new UsageError('Say where to write the playbook: --out DIR');
  const result = exportAnsible({
    templateFile: values.plan,
    outDir: values.out,
    inventory: values.inventory ?? null,
    batch: batchOf(values.batch),
    pauseMinutes: numberIn('--pause', values.pause, 0, 24 * 60),
    dryRun: values['dry-run'] === true,
    maxFailPercentage: numberIn('--max-fail-percentage', values['max-fail-percentage'], 0, 100),
    force: values.force === true,
  });
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else
    process.stdout.write(
      `Wrote the playbook to ${result.dir}: ${result.files.join(', ')} (agent sha256 ${result.agentSha256}).\n` +
        `Run it: cd ${result.dir} && ansible-playbook ${values.inventory ? '' : '-i INVENTORY '}site.yml\n` +
        `Then: seamless fleet report ${result.dir}/reports\n`,
    );
  return EXIT.ok;
}

/** `seamless export FORMAT …`: today `ansible`. */
export async function exportCommand(args: string[]): Promise<number> {
  const [format, ...rest] = args;
  if (format === 'ansible') return exportAnsibleCommand(rest);
  throw new UsageError(
    format === undefined ? 'Say what to export: seamless export ansible --plan FILE --out DIR' : `Unknown export "${format}".`,
  );
}
