// Why: one way to run `criu pre-dump` / `criu dump` on a workload: its own image directory, a
// verbose log there (the evidence when it fails), the options preflight derived, and success
// read from the log (criu's exit code alone is not enough, see criuLog.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from '../exec/sh';
import { readText } from '../fs/readOptional';
import { criuSucceeded } from '../upgrade/criuLog';
import type { WorkloadState } from '../upgrade/state';

export async function criu(
  kind: 'pre-dump' | 'dump',
  w: Pick<WorkloadState, 'rootPid' | 'criuOptions'>,
  dir: string,
  extra: string[],
): Promise<{ ok: boolean; log: string }> {
  mkdirSync(dir, { recursive: true });
  const log = `${kind}.log`;
  const r = await sh('criu', [kind, '-t', String(w.rootPid), '-D', dir, '-o', log, '-v4', ...w.criuOptions, ...extra], {
    timeoutMs: 30 * 60_000,
  });
  const text = readText(join(dir, log)) || r.stderr;
  return { ok: criuSucceeded(kind, r.code, text), log: text };
}
