// Why: what the run before the kexec tells the restore after it: which workloads were dumped
// where, with which CRIU options, which units are held, when the freeze began. Written to the
// state directory (root filesystem) and to the store, read back by the boot hook, validated
// against its schema (shared/domain/upgradeFiles.ts): a file that does not validate is refused
// with the file and the field named.
import { existsSync, writeFileSync, renameSync, openSync, fsyncSync, closeSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SeamlessError } from '../../shared/errors';
import { parseUpgradeFile, type FileValue, type RunState, type UpgradeFileName } from '../../shared/domain/upgradeFiles';
import { readOptional } from '../fs/readOptional';
import { statePath } from './paths';

export type { RunState, WorkloadState } from '../../shared/domain/upgradeFiles';

function fsyncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a file so that it survives a crash or a reset the moment this returns: the data, then
 * the rename, then the directory entries (a rename or a new directory is not on disk until its
 * directory is synced: a hold written a second before a reset was gone after it, seen on the lab).
 */
export function writeDurable(path: string, text: string | Uint8Array, opts: { sync: boolean } = { sync: true }): void {
  const dir = dirname(path);
  const created = mkdirSync(dir, { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  // sync false: still atomic (a reader sees the old file or the new one), durable only with the
  // caller's own syncfs later (the checkpoint syncs the whole store once, after the last dump).
  if (!opts.sync) return renameSync(tmp, path);
  fsyncPath(tmp);
  renameSync(tmp, path);
  fsyncPath(dir);
  // Directories made just now: each one's entry lives in its parent.
  if (created) for (let d = dir; d !== dirname(created); d = dirname(d)) fsyncPath(dirname(d));
}

/** Reads one of the versioned upgrade files; UPGRADE_FILE_INVALID names the path and the field. */
export function readUpgradeFile<N extends UpgradeFileName>(name: N, path: string): FileValue<N> {
  const text = readOptional(path);
  if (text === null) {
    throw new SeamlessError('UPGRADE_FILE_INVALID', `${path}: cannot be read`, { details: { file: path, field: '(file)' } });
  }
  const r = parseUpgradeFile(name, text);
  if (!r.ok) {
    throw new SeamlessError('UPGRADE_FILE_INVALID', `${path}: ${r.issue.field}: ${r.issue.message}`, {
      details: { file: path, field: r.issue.field },
    });
  }
  return r.value;
}

export function saveState(paths: string[], state: RunState): void {
  const text = `${JSON.stringify(state, null, 2)}\n`;
  for (const p of paths) writeDurable(p, text);
}

export const loadState = (path: string): RunState => readUpgradeFile('state.json', path);

/** Where the state is kept: the state directory, and the store while it is there. */
export function statePaths(state: RunState): string[] {
  return [statePath(state.id), ...(existsSync(state.storeDir) ? [join(state.storeDir, 'state.json')] : [])];
}
