// Why: a lazy restore hands the workload back before its pages are; what its clients see in
// that window is the figure that matters (issue 18). The probe times the outside client's own
// commands, one at a time on the one connection that lives across the upgrade, each reading a
// random key's value (a page the restore may not have brought back yet).
import type { RespClient } from './respClient.js';

export interface TimedCommand {
  /** When it was sent (this machine's clock). */
  atMs: number;
  ms: number;
}

export interface LatencyProbe {
  /** Ends the loop after the command in flight; throws what went wrong in it, if anything did. */
  stop(): Promise<TimedCommand[]>;
}

/** The lab's dataset names its keys lab:000000 … (lab-redis-gen). */
const labKey = (i: number): string => `lab:${String(i).padStart(6, '0')}`;

/**
 * STRLEN of a random key of the `keys` the lab filled, `pauseMs` apart, until stopped; a reply
 * other than `valueBytes` fails the probe. A command may wait out the whole blackout (15 min).
 */
export function probeRedis(client: RespClient, keys: number, valueBytes: number, pauseMs = 20): LatencyProbe {
  const samples: TimedCommand[] = [];
  let running = true;
  const loop = (async (): Promise<void> => {
    while (running) {
      const key = labKey(Math.floor(Math.random() * keys));
      const atMs = Date.now();
      const length = await client.command(`STRLEN ${key}`, 15 * 60_000);
      samples.push({ atMs, ms: Date.now() - atMs });
      if (length !== valueBytes) throw new Error(`STRLEN ${key} answered ${String(length)}, not ${valueBytes}`);
      await new Promise((r) => setTimeout(r, pauseMs));
    }
  })();
  // Held until stop(): a failure must not surface as an unhandled rejection meanwhile.
  const outcome = loop.then(
    () => null,
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
  return {
    async stop() {
      running = false;
      const failure = await outcome;
      if (failure) throw failure;
      return samples;
    },
  };
}

/** The nearest-rank percentile (p in 0–100) of `values`; null when there are none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
