// Why: the images cross a kexec in memory that the new kernel could, by a wrong command line or
// a misplaced segment, hand to someone else. A manifest (every file, its size and sha256)
// written right after the dump and checked before the restore turns silent corruption into a
// clear refusal (MANIFEST_MISMATCH), and keeps the restore from running on broken images.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SeamlessError } from '../../shared/errors';
import { formatUpgradeFile, type ManifestFile } from '../../shared/domain/upgradeFiles';
import { readUpgradeFile, writeDurable } from './state';

/** A manifest in memory (the file adds its version). */
export type Manifest = Omit<ManifestFile, 'version'>;
export type ManifestEntry = Manifest['files'][number];

export const writeManifest = (path: string, m: Manifest): void => writeDurable(path, formatUpgradeFile('manifest.json', m));
/** The manifest as written, validated (UPGRADE_FILE_INVALID names the file and the field). */
export function readManifest(path: string): Manifest {
  const { files, totalBytes } = readUpgradeFile('manifest.json', path);
  return { files, totalBytes };
}

function sha256File(path: string): string {
  const h = createHash('sha256');
  const buf = Buffer.alloc(4 * 1024 * 1024);
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Every regular file under `dir` except the manifest itself and logs written after it. */
export function buildManifest(dir: string, skip: (rel: string) => boolean = () => false): Manifest {
  const files = walk(dir)
    .map((p) => relative(dir, p))
    .filter((rel) => !skip(rel))
    .sort()
    .map((rel) => {
      const full = join(dir, rel);
      return { path: rel, size: statSync(full).size, sha256: sha256File(full) };
    });
  return { files, totalBytes: files.reduce((s, f) => s + f.size, 0) };
}

export function diffManifest(expected: Manifest, actual: Manifest): string[] {
  const got = new Map(actual.files.map((f) => [f.path, f]));
  const problems: string[] = [];
  for (const f of expected.files) {
    const a = got.get(f.path);
    if (!a) problems.push(`${f.path}: missing`);
    else if (a.size !== f.size) problems.push(`${f.path}: ${a.size} bytes, expected ${f.size}`);
    else if (a.sha256 !== f.sha256) problems.push(`${f.path}: sha256 differs`);
  }
  return problems;
}

export function verifyManifest(dir: string, expected: Manifest): void {
  const actual = buildManifest(dir, (rel) => !expected.files.some((f) => f.path === rel));
  const problems = diffManifest(expected, actual);
  if (problems.length > 0) {
    throw new SeamlessError('MANIFEST_MISMATCH', `The images in ${dir} do not match their manifest (${problems.length} problem(s))`, {
      evidence: problems.slice(0, 20).join('\n'),
    });
  }
}

/** A manifest of a subdirectory, its paths made relative to the parent. */
export function prefixed(dir: string, m: Manifest): Manifest {
  return { files: m.files.map((f) => ({ ...f, path: `${dir}/${f.path}` })), totalBytes: m.totalBytes };
}

export function unprefixed(dir: string, m: Manifest): Manifest {
  const p = `${dir}/`;
  const files = m.files.filter((f) => f.path.startsWith(p)).map((f) => ({ ...f, path: f.path.slice(p.length) }));
  return { files, totalBytes: files.reduce((s, f) => s + f.size, 0) };
}

export function mergeManifests(parts: Manifest[]): Manifest {
  const files = parts.flatMap((m) => m.files).sort((a, b) => a.path.localeCompare(b.path));
  return { files, totalBytes: files.reduce((s, f) => s + f.size, 0) };
}
