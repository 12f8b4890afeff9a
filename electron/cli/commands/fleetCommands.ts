// Why: `seamless fleet report DIR` merges the reports an Ansible rollout fetched to the control
// node into one fleet report (Markdown and HTML), and exits the way a pipeline can branch on:
// 0 only when every host was restored, else the code of the worst host's outcome. Reads files
// only; no host is contacted.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SeamlessError } from '../../../shared/errors';
import { fleetSummaryLine, type FleetReport } from '../../../shared/report/fleet';
import { renderFleetHtml } from '../../../shared/report/fleetHtml';
import { renderFleetMarkdown } from '../../../shared/report/fleetMarkdown';
import { readFleetReport } from '../../report/readFleetDir';
import { EXIT, exitForOutcome } from '../exitCodes';
import { UsageError } from '../usage';

/** Worst first: a host that needs a hand, a fallback, an abort, then a host or file nobody can vouch for. */
const EXIT_PRECEDENCE = [EXIT.failed, EXIT.fallback, EXIT.aborted, EXIT.problem] as const;

/**
 * The fleet's exit code: the worst of its hosts' (exitForOutcome: a running upgrade is a problem,
 * never success); a file that is not a report makes an otherwise clean fleet a problem (1), since
 * that host's upgrade is unaccounted for.
 */
export function exitForFleet(f: FleetReport): number {
  const codes = new Set<number>(f.hosts.map((h) => exitForOutcome(h.status === 'running' ? null : h.status)));
  if (f.errors.length) codes.add(EXIT.problem);
  return EXIT_PRECEDENCE.find((c) => codes.has(c)) ?? EXIT.ok;
}

/** Where the two files go: PREFIX.md and PREFIX.html; a folder (or no --out: DIR) gets fleet-report.*. */
function outPrefix(dir: string, out: string | undefined): string {
  if (out === undefined) return join(dir, 'fleet-report');
  if (out.endsWith('/') || (existsSync(out) && statSync(out).isDirectory())) return join(out, 'fleet-report');
  return out.replace(/\.(md|html)$/, '');
}

async function fleetReportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { out: { type: 'string' }, json: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  const [dir, ...extra] = positionals;
  if (dir === undefined || dir === '') throw new UsageError('Say which folder holds the fetched reports: seamless fleet report DIR');
  if (extra.length) throw new UsageError(`One folder only, not also "${extra.join(' ')}".`);
  if (values.out === '') throw new UsageError('--out needs a file prefix or a folder');
  const fleet = readFleetReport(dir);
  const prefix = outPrefix(dir, values.out);
  const md = `${prefix}.md`;
  const html = `${prefix}.html`;
  for (const [path, text] of [
    [md, renderFleetMarkdown(fleet)],
    [html, renderFleetHtml(fleet)],
  ] as const) {
    try {
      writeFileSync(path, text, { mode: 0o600 });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new SeamlessError('REPORT_WRITE_FAILED', `Cannot write the fleet report to ${path} (${why}); say where with --out PREFIX.`);
    }
  }
  const summary = fleetSummaryLine(fleet);
  const code = exitForFleet(fleet);
  if (values.json) process.stdout.write(`${JSON.stringify({ md, html, summary, exitCode: code, report: fleet }, null, 2)}\n`);
  else {
    process.stdout.write(`Wrote the fleet report to ${md} and ${html}\n${summary}\n`);
    for (const e of fleet.errors) process.stderr.write(`not a report: ${e.source}: ${e.message}\n`);
  }
  return code;
}

/** `seamless fleet SUBCOMMAND …`: today `report`. */
export async function fleetCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'report') return fleetReportCommand(rest);
  throw new UsageError(sub === undefined ? 'Say what to do with the fleet: seamless fleet report DIR' : `Unknown fleet command "${sub}".`);
}
