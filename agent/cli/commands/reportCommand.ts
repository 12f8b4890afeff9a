// Why: the orchestrator fetches one report per host. It is the very Report model the controller
// builds (shared/report/buildReport.ts) from the same inputs: the run's journal, plan.json,
// preflight.json and report.json on this host, and the restored processes' memory now. Only a
// run that has ended has one (75 until then: its outcome is not decided yet).
import { hostname } from 'node:os';
import { summarize } from '../../../shared/domain/upgrade';
import { AGENT_EXIT, type AgentExitCode } from '../../../shared/exitCodes';
import { writeDurable } from '../../upgrade/state';
import { buildReport } from '../../../shared/report/buildReport';
import { listInventory } from '../../inventory/inventory';
import { readJournal } from '../../upgrade/journal';
import { journalPath } from '../../upgrade/paths';
import { upgradeFiles } from '../../upgrade/start';
import { findRun } from '../findRun';

export async function reportCommand(opts: { run: string | null; out: string | null }): Promise<AgentExitCode> {
  const id = findRun(opts.run);
  const records = readJournal(journalPath(id));
  if (summarize(id, records).state !== 'ended') {
    process.stderr.write(`Upgrade ${id} has not ended yet; its report comes once it has (status exits 75 until then).\n`);
    return AGENT_EXIT.running;
  }
  const files = upgradeFiles(id);
  const roots = (files.report?.workloads ?? []).filter((w) => w.restored).map((w) => w.rootPid);
  const rssNow = new Map<number, number>();
  if (roots.length)
    for (const w of listInventory({ details: 'none' }).workloads) if (roots.includes(w.rootPid)) rssNow.set(w.rootPid, w.memory.rssBytes);
  const report = buildReport({
    // The host as the plan named it (what the controller calls it), this machine's name beside it.
    hostId: files.plan?.host ?? hostname(),
    hostname: hostname(),
    upgradeId: id,
    records,
    plan: files.plan,
    preflight: files.preflight,
    hostReport: files.report,
    rssNow,
    generatedAt: new Date().toISOString(),
  });
  const text = `${JSON.stringify(report, null, 2)}\n`;
  if (opts.out === null) {
    process.stdout.write(text);
    return AGENT_EXIT.ok;
  }
  // Written whole or not at all, for root alone, and on disk before a playbook fetches it.
  writeDurable(opts.out, text);
  process.stderr.write(`Wrote the report of ${id} (${report.outcome ?? 'not ended'}) to ${opts.out}\n`);
  return AGENT_EXIT.ok;
}
