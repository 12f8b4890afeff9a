// Why: `seamless dry-run` rehearses a plan without downtime and prints what it measured and how
// the estimate moved; `seamless report` writes one upgrade's report (estimate beside measurement)
// as JSON, Markdown, self-contained HTML or PDF. Both through the controller API the app uses.
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { SeamlessError } from '../../../shared/errors';
import { formatBytes, formatDuration } from '../../../shared/format';
import { renderHtml } from '../../../shared/report/renderHtml';
import { renderMarkdown } from '../../../shared/report/renderMarkdown';
import { renderPdf } from '../../report/renderPdf';
import { EXIT } from '../exitCodes';
import { formatEstimate, formatMeasures } from '../../../shared/text/estimateText';
import { formatPreflight } from '../../../shared/text/preflightText';
import { readPlanFile } from '../planFile';
import { hostIdOf, UsageError } from '../usage';
import type { ControllerFactory } from './hostCommands';

const FORMATS = ['json', 'md', 'html', 'pdf'] as const;

async function confirmFreeze(what: string): Promise<boolean> {
  process.stderr.write(`${what}\n`);
  if (!process.stdin.isTTY) return true; // --trial-dump on a script's command line is the consent
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question('Go on with the trial dump? [y/N] ')).trim());
  } finally {
    rl.close();
  }
}

export async function dryRunCommand(make: ControllerFactory, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      local: { type: 'boolean' },
      host: { type: 'string' },
      plan: { type: 'string' },
      'trial-dump': { type: 'boolean' },
      json: { type: 'boolean' },
      'accept-host-key': { type: 'string' },
    },
    strict: true,
  });
  if (!values.plan) throw new UsageError('Say which plan: --plan FILE (make one with `seamless plan`)');
  const plan = readPlanFile(values.plan);
  const hostId = values.local || values.host ? hostIdOf(values) : plan.host;
  const c = make(values['accept-host-key'] ? { hostId, fingerprint: values['accept-host-key'] } : undefined);
  if (values['trial-dump']) {
    const e = await c.api['plan.estimate']({ hostId, plan });
    const freeze = e.phases.find((p) => p.phase === 'freeze-dump')!;
    const ok = await confirmFreeze(
      `The trial dump freezes each selected workload while CRIU copies it (estimated ${formatDuration(freeze.lowMs)} – ${formatDuration(freeze.highMs)} in all), then lets it run on with its PIDs and state.`,
    );
    if (!ok) {
      process.stderr.write('No trial dump; nothing was done. Run again without --trial-dump for a dry run without any freeze.\n');
      return EXIT.interrupted;
    }
  }
  const started = Date.now();
  const tty = process.stderr.isTTY === true && !values.json;
  process.stderr.write(`Dry run on ${hostId}: preflight, calibration, pre-dump rounds${values['trial-dump'] ? ', trial dump' : ''}…\n`);
  const ticker = tty ? setInterval(() => process.stderr.write(`\r\x1b[2K  ${formatDuration(Date.now() - started)} elapsed`), 1000) : null;
  try {
    const r = await c.api['host.dryRun']({ hostId, plan, trialDump: values['trial-dump'] === true });
    if (ticker) process.stderr.write('\r\x1b[2K');
    if (values.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    else {
      process.stdout.write(
        `${formatPreflight(r.measures.preflight)}\n\n${formatMeasures(r.measures)}\n\n${formatEstimate(r.estimate, r.estimateBefore)}\n`,
      );
      process.stdout.write(`Dry run took ${formatDuration(r.measures.durationMs)}.\n`);
    }
    return r.measures.preflight.canStart ? EXIT.ok : EXIT.refused;
  } finally {
    if (ticker) clearInterval(ticker);
  }
}

export async function reportCommand(make: ControllerFactory, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      local: { type: 'boolean' },
      host: { type: 'string' },
      id: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean' },
      'accept-host-key': { type: 'string' },
    },
    strict: true,
  });
  const hostId = hostIdOf(values);
  const format = values.format ?? 'html';
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format is one of ${FORMATS.join(', ')}, not "${format}"`);
  if (!values.out) throw new UsageError('Say where to write the report: --out FILE');
  const c = make(values['accept-host-key'] ? { hostId, fingerprint: values['accept-host-key'] } : undefined);
  let id = values.id;
  if (!id) {
    const list = await c.api['upgrade.list']({ hostId });
    if (!list[0]) throw new SeamlessError('UPGRADE_NOT_FOUND', `No upgrade has run on ${hostId}.`);
    id = list[0].id;
  }
  const report = await c.api['upgrade.report']({ hostId, id });
  const data =
    format === 'json'
      ? `${JSON.stringify(report, null, 2)}\n`
      : format === 'md'
        ? renderMarkdown(report)
        : format === 'html'
          ? renderHtml(report)
          : await renderPdf(renderHtml(report));
  writeFileSync(values.out, data, { mode: 0o600 });
  const line = `Wrote the ${format} report of ${id} (${report.outcome ?? 'still running'}) to ${values.out}`;
  process.stdout.write(values.json ? `${JSON.stringify({ id, outcome: report.outcome, format, out: values.out })}\n` : `${line}\n`);
  return EXIT.ok;
}

/** `seamless cleanup HOST [--id ID]`: removes the images kept after a fallback (or by keepImages). */
export async function cleanupCommand(make: ControllerFactory, args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      local: { type: 'boolean' },
      host: { type: 'string' },
      id: { type: 'string' },
      json: { type: 'boolean' },
      'accept-host-key': { type: 'string' },
    },
    strict: true,
  });
  const hostId = hostIdOf(values);
  const c = make(values['accept-host-key'] ? { hostId, fingerprint: values['accept-host-key'] } : undefined);
  const r = await c.api['upgrade.cleanup']({ hostId, ...(values.id ? { id: values.id } : {}) });
  if (values.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else {
    for (const x of r.removed) process.stdout.write(`removed the images of ${x.id} (${formatBytes(x.bytes)}, ${x.path})\n`);
    for (const x of r.left) process.stdout.write(`left ${x.id}: ${x.reason}\n`);
    if (r.removed.length === 0 && r.left.length === 0) process.stdout.write(`No images are kept on ${hostId}.\n`);
  }
  return r.left.length > 0 && values.id ? EXIT.problem : EXIT.ok;
}
