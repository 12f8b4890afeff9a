// Why: `seamless upgrade` starts an upgrade on a host and follows it to the end, across the
// kexec; `seamless attach` follows one already running (or shows how one ended). Both go
// through the controller API the app uses (upgrade.start / upgrade.attach and their events),
// and both exit by the outcome the host decided (exitCodes.ts). Ctrl-C stops the watching only.
import { parseArgs } from 'node:util';
import { SeamlessError } from '../../../shared/errors';
import type { ApiEvent } from '../../../shared/api';
import type { UpgradeSummary } from '../../../shared/domain/upgrade';
import type { Controller } from '../../controller/controller';
import type { ControllerFactory } from './hostCommands';
import { formatEnd, formatRecord } from '../../../shared/text/upgradeText';
import { EXIT, exitForOutcome } from '../exitCodes';
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

type UpgradeEvent = Extract<ApiEvent, { event: 'upgrade.record' | 'upgrade.summary' }>;
type Ending = { kind: 'ended'; summary: UpgradeSummary } | { kind: 'lost'; error: SeamlessError } | { kind: 'interrupted' };

const hostArg = (hostId: string) => (hostId === 'local' ? '--local' : `--host ${hostId}`);
const attachHint = (hostId: string, id: string | null) =>
  `Stopped watching. ${id ? `Upgrade ${id}` : 'An upgrade, if it started,'} goes on on the host by itself; follow it again with: seamless attach ${hostArg(hostId)}${id ? ` --id ${id}` : ''}`;

/**
 * Prints one upgrade's records as the controller pushes them, until the host decides how it
 * ended, the watch is lost, or Ctrl-C. `begin` starts (or attaches to) the upgrade and names it.
 */
async function watch(c: Controller, hostId: string, json: boolean, begin: () => Promise<string>): Promise<number> {
  let id: string | null = null;
  const early: UpgradeEvent[] = [];
  const tty = process.stdout.isTTY === true && !json;
  let progressShown = false;
  let settle: (e: Ending) => void = () => {};
  const ending = new Promise<Ending>((resolve) => (settle = resolve));

  const show = (e: UpgradeEvent) => {
    if (e.event === 'upgrade.summary') {
      if (e.data.error) settle({ kind: 'lost', error: SeamlessError.fromInfo(e.data.error) });
      else if (e.data.summary.state === 'ended') settle({ kind: 'ended', summary: e.data.summary });
      return;
    }
    const r = e.data.record;
    if (json) return void process.stdout.write(`${JSON.stringify({ event: 'record', id: e.data.id, record: r })}\n`);
    // On a terminal, progress lines overwrite each other; elsewhere each is a line of the log.
    if (tty && r.state === 'progress') {
      process.stdout.write(`\r\x1b[2K${formatRecord(r)}`);
      progressShown = true;
      return;
    }
    process.stdout.write(`${progressShown ? '\r\x1b[2K' : ''}${formatRecord(r)}\n`);
    progressShown = false;
  };
  const onEvent = (e: ApiEvent) => {
    if ((e.event !== 'upgrade.record' && e.event !== 'upgrade.summary') || e.data.hostId !== hostId) return;
    if (id === null) early.push(e);
    else if (e.data.id === id) show(e);
  };
  const onInterrupt = () => settle({ kind: 'interrupted' });
  c.events.on('event', onEvent);
  process.once('SIGINT', onInterrupt);
  try {
    const started = await Promise.race([begin(), ending]);
    if (typeof started !== 'string') return finish(started);
    id = started;
    for (const e of early.splice(0)) if (e.data.id === id) show(e);
    return finish(await ending);
  } finally {
    c.events.off('event', onEvent);
    process.off('SIGINT', onInterrupt);
  }

  function finish(end: Ending): number {
    if (progressShown) process.stdout.write('\n');
    if (end.kind === 'interrupted') {
      process.stderr.write(`\n${attachHint(hostId, id)}\n`);
      return EXIT.interrupted;
    }
    if (end.kind === 'lost') throw end.error;
    const { summary } = end;
    if (json) process.stdout.write(`${JSON.stringify({ event: 'summary', id, summary, outcome: summary.outcome })}\n`);
    else process.stdout.write(`\n${formatEnd(summary.id, summary)}\n`);
    return exitForOutcome(summary.outcome);
  }
}

const acceptOf = (hostId: string, fp: string | undefined) => (fp ? { hostId, fingerprint: fp } : undefined);

export async function upgradeCommand(make: ControllerFactory, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options, strict: true });
  if (!values.plan) throw new UsageError('Say which plan: --plan FILE (make one with `seamless plan`, check it with `seamless preflight`)');
  const plan = readPlanFile(values.plan);
  const hostId = values.local || values.host !== undefined ? hostIdOf(values) : plan.host;
  const c = make(acceptOf(hostId, values['accept-host-key']));
  const json = Boolean(values.json);
  return watch(c, hostId, json, async () => {
    const { upgradeId } = await c.api['upgrade.start']({ hostId, plan });
    if (json) process.stdout.write(`${JSON.stringify({ event: 'started', id: upgradeId, hostId })}\n`);
    else
      process.stdout.write(
        `Upgrade ${upgradeId} started on ${hostId}; it runs on the host by itself (seamless attach ${hostArg(hostId)} --id ${upgradeId}).\n\n`,
      );
    return upgradeId;
  });
}

export async function attachCommand(make: ControllerFactory, args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options, strict: true });
  const hostId = hostIdOf(values);
  const c = make(acceptOf(hostId, values['accept-host-key']));
  return watch(c, hostId, Boolean(values.json), async () => {
    let id = values.id;
    if (!id) {
      const newest = (await c.api['upgrade.list']({ hostId }))[0];
      if (!newest) throw new SeamlessError('UPGRADE_NOT_FOUND', `${hostId} has no upgrades to attach to.`);
      id = newest.id;
    }
    return (await c.api['upgrade.attach']({ hostId, id })).upgradeId;
  });
}
