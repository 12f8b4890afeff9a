// Why: the images hold the workloads' memory (keys and passwords included). They are written
// root-only (the agent runs with umask 077, so every directory is 0700 and CRIU's files 0600),
// and they are removed as soon as nobody needs them: after every workload was restored, or
// after an abort (the workloads never stopped running), unless the plan keeps them. After a
// fallback they are kept for the admin, and `seamless cleanup` removes them.
import { existsSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Outcome } from '../../shared/domain/journal';
import type { CleanupResult } from '../../shared/protocol';
import { readJournal } from './journal';
import { UPGRADES_DIR } from './paths';
import { loadState } from './state';

/** Outcomes after which nobody needs the images. */
export const IMAGES_DONE: readonly Outcome[] = ['restored', 'restored-unmanaged', 'aborted'];

/** Bytes under `dir` (files only, links not followed). */
export function bytesUnder(dir: string): number {
  let total = 0;
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) total += st.size;
    }
  };
  if (existsSync(dir)) walk(dir);
  return total;
}

/** Removes an upgrade's images; the bytes freed. */
export function removeImages(storeDir: string): number {
  const bytes = bytesUnder(storeDir);
  rmSync(storeDir, { recursive: true, force: true });
  return bytes;
}

/** `seamless cleanup`: the images kept by ended upgrades (one, or all), removed; running ones are left alone. */
export function cleanupImages(id: string | undefined, dir = UPGRADES_DIR): CleanupResult {
  const result: CleanupResult = { removed: [], left: [] };
  let ids: string[];
  try {
    ids = id ? [id] : readdirSync(dir);
  } catch {
    return result;
  }
  for (const u of ids) {
    const statePath = join(dir, u, 'state.json');
    const journalPath = join(dir, u, 'journal.jsonl');
    if (!/^u-[0-9a-z-]+$/.test(u) || !existsSync(statePath)) {
      if (id) result.left.push({ id: u, reason: 'no such upgrade on this host' });
      continue;
    }
    const records = existsSync(journalPath) ? readJournal(journalPath) : [];
    if (!records.some((r) => r.phase === 'report' && r.state === 'done')) {
      result.left.push({ id: u, reason: 'still running' });
      continue;
    }
    const storeDir = loadState(statePath).storeDir;
    if (!existsSync(storeDir)) {
      if (id) result.left.push({ id: u, reason: `no images at ${storeDir} (already removed, or the store is not mounted)` });
      continue;
    }
    result.removed.push({ id: u, path: storeDir, bytes: removeImages(storeDir) });
  }
  return result;
}
