// Why: `seamless upgrade` starts an upgrade on a host and follows it to the end, across the
// kexec; `seamless attach` follows one already running (or shows how one ended). Both exit 0
// only when every selected workload was restored on the new kernel.
import { parseArgs } from 'node:util';
import { SeamlessError } from '../../../shared/errors';
import type { JournalRecord, UpgradeSummary } from '../../../shared/domain/upgrade';
import { followUpgrade } from '../../controller/upgrade/followUpgrade';
import type { ControllerFactory } from './hostCommands';
import { formatRecord, outcomeOf } from '../upgradeFormat';
import { hostIdOf, UsageError } from '../usage';
import { readPlanFile } from '../planFile';

const options = {
  local: { type: 'boolean' },
  host: { type: 'string' },
  plan: { type: 'string' },
  id: { type: 'string' },
  json: { type: 'boolean' },
  'accept-host-key': { type: 'string' },
} as const;

async function watch(make: ControllerFactory, hostId: string, id: string, json: boolean, accept: string | undefined): Promise<number> {
  const c = make(accept ? { hostId, fingerprint: accept } : undefined);
  const records: JournalRecord[] = [];
  // On a terminal, progress lines overwrite each other; elsewhere each is a line of the log.
  const tty = process.stdout.isTTY === true;
  let progressShown = false;
  const summary: UpgradeSummary = await followUpgrade(() => c.hosts.agentFor(hostId), id, {
    onRecord: (r) => {
      records.push(r);
      if (json) return void process.stdout.write(`${JSON.stringify({ event: 'record', id, record: r })}\n`);
      if (tty && r.state === 'progress') {
        process.stdout.write(`\r\x1b[2K${formatRecord(r)}`);
        progressShown = true;
        return;
      }
      process.stdout.write(`${progressShown ? '\r\x1b[2K' : ''}${formatRecord(r)}\n`);
      progressShown = false;
    },
  });
  const outcome = outcomeOf(summary, records);
  if (json) process.stdout.write(`${JSON.stringify({ event: 'summary', id, summary, outcome })}\n`);
  else
    process.stdout.write(
      `\nUpgrade ${id}: ${summary.state}${outcome ? ` (${outcome})` : ''}. Journal: /var/lib/seamless/upgrades/${id}/journal.jsonl on the host.\n`,
    );
  return summary.state === 'done' && outcome === 'restored' ? 0 : 1;
}

export async function upgradeCommand(make: ControllerFactory, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options, strict: true });
  if (!values.plan) throw new UsageError('Say which plan: --plan FILE (make one with `seamless plan`, check it with `seamless preflight`)');
  const plan = readPlanFile(values.plan);
  const hostId = values.local || values.host !== undefined ? hostIdOf(values) : plan.host;
  const c = make(values['accept-host-key'] ? { hostId, fingerprint: values['accept-host-key'] } : undefined);
  const { upgradeId } = await (await c.hosts.agentFor(hostId)).call('upgrade.start', { plan }, { timeoutMs: 180_000 });
  if (values.json) process.stdout.write(`${JSON.stringify({ event: 'started', id: upgradeId, hostId })}\n`);
  else
    process.stdout.write(
      `Upgrade ${upgradeId} started on ${hostId}; it runs on the host by itself (seamless attach --host ${hostId} --id ${upgradeId}).\n\n`,
    );
  return watch(make, hostId, upgradeId, Boolean(values.json), values['accept-host-key']);
}

export async function attachCommand(make: ControllerFactory, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options, strict: true });
  const hostId = hostIdOf(values);
  let id = values.id;
  if (!id) {
    const c = make(values['accept-host-key'] ? { hostId, fingerprint: values['accept-host-key'] } : undefined);
    const list = await (await c.hosts.agentFor(hostId)).call('upgrade.list', {}, { timeoutMs: 60_000 });
    if (!list[0]) throw new SeamlessError('HOST_UNKNOWN', `${hostId} has no upgrades to attach to.`);
    id = list[0].id;
  }
  return watch(make, hostId, id, Boolean(values.json), values['accept-host-key']);
}
