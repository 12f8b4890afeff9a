// Why: one way to run `criu pre-dump` / `criu dump` on a workload: its own image directory, a
// log there (the evidence when it fails), the options preflight derived, and success
// read from the log (criu's exit code alone is not enough, see criuLog.ts). Logged at the info
// level (logLevel.ts): a pre-dump round and the dump under the freeze are both timed.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sh } from '../exec/sh';
import { readText } from '../fs/readOptional';
import { criuSucceeded } from '../upgrade/criuLog';
import { CRIU_LOG_INFO } from './logLevel';
import type { WorkloadState } from '../upgrade/state';

export async function criu(
  kind: 'pre-dump' | 'dump',
  w: Pick<WorkloadState, 'rootPid' | 'criuOptions'>,
  dir: string,
  extra: string[],
): Promise<{ ok: boolean; log: string }> {
  mkdirSync(dir, { recursive: true });
  const log = `${kind}.log`;
  const r = await sh('criu', [kind, '-t', String(w.rootPid), '-D', dir, '-o', log, CRIU_LOG_INFO, ...w.criuOptions, ...extra], {
    timeoutMs: 30 * 60_000,
  });
  const text = readText(join(dir, log)) || r.stderr;
  return { ok: criuSucceeded(kind, r.code, text), log: text };
}
