// Why: Ansible fetches each host's report to the control node as DIR/<host>.json (fetch with
// flat) or DIR/<host>/report.json. Both layouts are read: every `*.json` in the folder and in its
// subfolders (two levels, no deeper; dot-files skipped; a symlink is followed, as an admin may
// gather reports by linking them); each file is a report or an error that names it, never
// silently dropped. Reads are bounded: only regular files (a FIFO would block the read), a report
// is small JSON, and a fleet folder is not a disk to crawl.
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { SeamlessError } from '../../shared/errors';
import { buildFleetReport, parseFleetEntry, type FleetEntry, type FleetReport } from '../../shared/report/fleet';

/** A report with its plan and evidence is tens of KiB; larger is not a report. */
export const FLEET_FILE_MAX_BYTES = 16 * 1024 * 1024;
/** More files than any fleet has hosts (each may hold a few). */
export const FLEET_MAX_FILES = 10_000;

/** The names in a folder, sorted, without dot-files. */
function list(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.'))
    .sort((a, b) => a.localeCompare(b));
}

/** What a name is, through a symlink; null when it cannot be said (a dangling link). */
function statOf(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** The `*.json` names of a fleet folder (relative paths) with the host name each stands for. */
function fleetFiles(dir: string): { source: string; name: string }[] {
  const files: { source: string; name: string }[] = [];
  for (const n of list(dir)) {
    if (n.endsWith('.json')) files.push({ source: n, name: basename(n, '.json') });
    else if (statOf(join(dir, n))?.isDirectory())
      for (const f of list(join(dir, n))) if (f.endsWith('.json')) files.push({ source: `${n}/${f}`, name: n });
    if (files.length > FLEET_MAX_FILES)
      throw new SeamlessError('FLEET_DIR_UNREADABLE', `${dir} holds more than ${FLEET_MAX_FILES} JSON files: not a fleet folder.`);
  }
  return files;
}

function readEntry(dir: string, source: string, name: string): FleetEntry {
  const path = join(dir, source);
  try {
    const st = statSync(path);
    if (!st.isFile()) return { source, name, error: 'not a regular file' };
    if (st.size > FLEET_FILE_MAX_BYTES) return { source, name, error: `${st.size} bytes: too large to be a report` };
    return parseFleetEntry(source, name, readFileSync(path, 'utf8'));
  } catch (err) {
    return { source, name, error: `cannot be read (${err instanceof Error ? err.message : String(err)})` };
  }
}

/** Every file of a fleet folder, read and validated. Throws when the folder cannot be read. */
export function readFleetEntries(dir: string): FleetEntry[] {
  let files: { source: string; name: string }[];
  try {
    if (!statSync(dir).isDirectory()) throw new SeamlessError('FLEET_DIR_UNREADABLE', `${dir} is not a folder.`);
    files = fleetFiles(dir);
  } catch (err) {
    if (err instanceof SeamlessError) throw err;
    throw new SeamlessError('FLEET_DIR_UNREADABLE', `${dir} cannot be read: ${err instanceof Error ? err.message : String(err)}`);
  }
  return files.map((f) => readEntry(dir, f.source, f.name));
}

/**
 * The fleet report of a folder of fetched reports. A folder with no report in it is an error
 * (FLEET_NO_REPORTS, with the files that were not reports as evidence): there is nothing to show.
 */
export function readFleetReport(dir: string, generatedAt = new Date().toISOString()): FleetReport {
  const fleet = buildFleetReport(readFleetEntries(dir), generatedAt);
  if (fleet.hosts.length === 0) {
    const evidence = fleet.errors.map((x) => `${x.source}: ${x.message}`).join('\n');
    throw new SeamlessError(
      'FLEET_NO_REPORTS',
      fleet.errors.length
        ? `No file in ${dir} is a Seamless report (${fleet.errors.length} JSON file${fleet.errors.length === 1 ? '' : 's'} did not validate).`
        : `${dir} holds no report: expected DIR/<host>.json or DIR/<host>/report.json, as the playbook fetches them.`,
      evidence ? { evidence } : {},
    );
  }
  return fleet;
}
