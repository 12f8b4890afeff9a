// Why: an upgrade runs on the host by itself; the controller only watches. It reads the
// journal from where it last stopped, over whatever session is current: across the kexec the
// SSH session is lost and comes back, and the calls simply wait for it. Attaching later (app
// restart, another machine, `seamless attach`) is the same loop started from record 0.
import type { UpgradeSummary } from '../../../shared/domain/upgrade';
import type { JournalRecord } from '../../../shared/domain/journal';
import { SeamlessError } from '../../../shared/errors';
import type { AgentHandle } from '../hostSessions';

export interface FollowOptions {
  pollMs?: number;
  /** How long to wait for the host to answer again (a kexec plus a boot); default 15 min. */
  reconnectTimeoutMs?: number;
  signal?: AbortSignal;
  onRecord(record: JournalRecord): void;
  onSummary?(summary: UpgradeSummary): void;
}

/** An upgrade is over when the host decided its outcome (its report record). */
export function isFinished(summary: UpgradeSummary): boolean {
  return summary.state === 'ended';
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

export async function followUpgrade(agent: () => Promise<AgentHandle>, id: string, opts: FollowOptions): Promise<UpgradeSummary> {
  const pollMs = opts.pollMs ?? 1000;
  const patience = opts.reconnectTimeoutMs ?? 15 * 60_000;
  let since = 0;
  let lostSince: number | null = null;
  for (;;) {
    if (opts.signal?.aborted) throw new SeamlessError('REQUEST_CANCELLED', `Stopped watching upgrade ${id}; it goes on on the host.`);
    try {
      const handle = await agent();
      const page = await handle.call('upgrade.journal', { id, since }, { timeoutMs: patience, signal: opts.signal });
      lostSince = null;
      for (const r of page.records) {
        if (r.seq <= since) continue;
        since = r.seq;
        opts.onRecord(r);
      }
      opts.onSummary?.(page.summary);
      if (isFinished(page.summary)) return page.summary;
    } catch (err) {
      // The link drops at the kexec (and may drop any time): that is "not yet", within patience.
      const code = err instanceof SeamlessError ? err.code : '';
      const transient =
        code === 'CONNECTION_LOST' ||
        code === 'AGENT_EXITED' ||
        code === 'REQUEST_TIMEOUT' ||
        code === 'CONNECT_FAILED' ||
        code === 'CONNECT_TIMEOUT';
      if (!transient) throw err;
      lostSince ??= Date.now();
      if (Date.now() - lostSince > patience) {
        throw new SeamlessError(
          'CONNECTION_LOST',
          `The host has not answered for ${Math.round(patience / 60_000)} min while upgrade ${id} was running. Attach again later: seamless attach --id ${id}`,
          {
            evidence: err instanceof Error ? err.message : String(err),
          },
        );
      }
    }
    await sleep(pollMs, opts.signal);
  }
}
