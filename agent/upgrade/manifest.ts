// Why: the images cross a kexec in memory that the new kernel could, by a wrong command line or
// a misplaced segment, hand to someone else. A manifest (every file, its size and digest)
// written right after the dump turns silent corruption into a clear refusal (MANIFEST_MISMATCH).
// The restore checks it in two parts so that the check costs the blackout little: the metadata
// images (small; CRIU acts on what they say: files to open, mounts, credentials) and every
// file's size before CRIU runs, the page images (the bulk: only the restored memory's content)
// while CRIU reads them, the restored tasks held stopped until that check has passed.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { SeamlessError } from '../../shared/errors';
import { formatUpgradeFile, type ImageDigest, type ManifestFile } from '../../shared/domain/upgradeFiles';
import { chooseDigest, digestFile, digestFileSync, digestGrowingFile } from './imageDigest';
import { readUpgradeFile, writeDurable } from './state';

/** A manifest in memory (the file adds its version). */
export type Manifest = Omit<ManifestFile, 'version'>;
export type ManifestEntry = Manifest['files'][number];

/** Written atomically; `sync: false` under the freeze, where the checkpoint's one syncfs of the store makes it durable with the images. */
export const writeManifest = (path: string, m: Manifest, opts: { sync: boolean } = { sync: true }): void =>
  writeDurable(path, formatUpgradeFile('manifest.json', m), opts);
/** The manifest as written, validated (UPGRADE_FILE_INVALID names the file and the field). */
export function readManifest(path: string): Manifest {
  const { algorithm, files, totalBytes } = readUpgradeFile('manifest.json', path);
  return { algorithm, files, totalBytes };
}

/** A page image (CRIU's pages-N.img): the memory's content, checked while CRIU reads it. */
export const isPageImage = (rel: string): boolean => /(^|\/)pages-\d+\.img$/.test(rel);

/** What a manifest of a workload's images leaves out: itself, and the logs and files a restore writes later. */
export const manifestSkip = (rel: string): boolean =>
  rel === 'manifest.json' || /(^|\/)restore[^/]*\.log$/.test(rel) || rel.endsWith('restored.pid');

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** Every regular file under `dir` except those `skip` names (the manifest itself, logs written after it). */
/** The paths (relative to `dir`, sorted) a manifest of `dir` lists. */
const listed = (dir: string, skip: (rel: string) => boolean): string[] =>
  walk(dir)
    .map((p) => relative(dir, p))
    .filter((rel) => !skip(rel))
    .sort();

const manifestOf = (algorithm: ImageDigest, files: ManifestEntry[]): Manifest => ({
  algorithm,
  files,
  totalBytes: files.reduce((s, f) => s + f.size, 0),
});

export function buildManifest(
  dir: string,
  skip: (rel: string) => boolean = () => false,
  algorithm: ImageDigest = chooseDigest().algorithm,
): Manifest {
  const files = listed(dir, skip).map((rel) => {
    const full = join(dir, rel);
    return { path: rel, size: statSync(full).size, digest: digestFileSync(full, algorithm) };
  });
  return manifestOf(algorithm, files);
}

/** Files up to this size are hashed at once: the event loop is held for a moment, where each asynchronous read costs a round trip. */
const SYNC_DIGEST_MAX = 1024 * 1024;

/** A file's digest, read at once when it is small (SYNC_DIGEST_MAX), else asynchronously. */
const digestBySize = async (full: string, algorithm: ImageDigest, size: number): Promise<string> =>
  size <= SYNC_DIGEST_MAX ? digestFileSync(full, algorithm) : digestFile(full, algorithm, undefined, size);

/**
 * `buildManifest` without holding the event loop for long: a large file is read through libuv's
 * threads and hashed a chunk at a time, so the dump that follows starts at once (the checkpoint
 * builds a workload's manifest beside the next workload's dump); the small ones (every image but
 * the page images, mostly) at once, which under the freeze matters: a dump's 22 small images and
 * 8 MiB of pages took 283–566 ms all asynchronously on the lab, 93–146 ms at once.
 */
export async function buildManifestAsync(dir: string, skip: (rel: string) => boolean, algorithm: ImageDigest): Promise<Manifest> {
  const files: ManifestEntry[] = [];
  for (const rel of listed(dir, skip)) {
    const full = join(dir, rel);
    const size = statSync(full).size;
    const digest = await digestBySize(full, algorithm, size);
    files.push({ path: rel, size, digest });
  }
  return manifestOf(algorithm, files);
}

function mismatch(dir: string, problems: string[]): SeamlessError {
  return new SeamlessError('MANIFEST_MISMATCH', `The images in ${dir} do not match their manifest (${problems.length} problem(s))`, {
    evidence: problems.slice(0, 20).join('\n'),
  });
}

const sizeProblem = (dir: string, f: ManifestEntry): string | null => {
  const st = statSync(join(dir, f.path), { throwIfNoEntry: false });
  if (!st?.isFile()) return `${f.path}: missing`;
  return st.size === f.size ? null : `${f.path}: ${st.size} bytes, expected ${f.size}`;
};

/**
 * Before CRIU runs: every file there with its size, and every file that is not a page image
 * hashed. Throws MANIFEST_MISMATCH with the problems as evidence. Returns the page images'
 * bytes, which `checkPageImages` hashes next.
 */
export function checkBeforeRestore(dir: string, m: Manifest): number {
  const problems: string[] = [];
  let pageBytes = 0;
  for (const f of m.files) {
    const p = sizeProblem(dir, f);
    if (p) problems.push(p);
    else if (isPageImage(f.path)) pageBytes += f.size;
    else if (digestFileSync(join(dir, f.path), m.algorithm) !== f.digest) problems.push(`${f.path}: ${m.algorithm} differs`);
  }
  if (problems.length > 0) throw mismatch(dir, problems);
  return pageBytes;
}

/**
 * The manifest of a directory CRIU is writing (a pre-dump round), hashed while it writes: each
 * page image is read behind the writer as it grows (digestGrowingFile), the other files, small,
 * once `writing` has settled. So the round is hashed by about the time it ends, not after it (under
 * emulation 1 GiB took 6 s after its round; the tree dirtied pages all that time, which the freeze
 * then dumped and a lazy restore copied before the tree ran). Rejects when the writing rejects.
 */
export async function buildManifestWhileWritten(
  dir: string,
  skip: (rel: string) => boolean,
  algorithm: ImageDigest,
  writing: Promise<unknown>,
  pollMs = 50,
): Promise<Manifest> {
  let written = false;
  const settled = writing.then(
    () => (written = true),
    () => (written = true),
  );
  const following = new Map<string, Promise<{ digest: string; size: number }>>();
  const followNew = () => {
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      return; // not made yet
    }
    for (const n of names.filter((x) => isPageImage(x) && !skip(x) && !following.has(x))) {
      const p = digestGrowingFile(join(dir, n), algorithm, () => written, pollMs);
      p.catch(() => undefined); // awaited below
      following.set(n, p);
    }
  };
  while (!written) {
    followNew();
    await Promise.race([settled, new Promise((r) => setTimeout(r, pollMs))]);
  }
  await writing;
  followNew(); // a page image begun after the last look
  const files: ManifestEntry[] = [];
  for (const rel of listed(dir, skip)) {
    const full = join(dir, rel);
    const size = statSync(full).size;
    const f = following.get(rel);
    const digest = f ? await f : { digest: await digestBySize(full, algorithm, size), size };
    if (digest.size !== size)
      throw new Error(`${rel}: ${digest.size} bytes hashed while it was written, ${size} bytes when its writer was done`);
    files.push({ path: rel, size, digest: digest.digest });
  }
  return manifestOf(algorithm, files);
}

/** A directory being written and hashed as it is (hashWhileWritten). */
export interface DirHashing {
  /** Its manifest, once `done(true)`; rejects after `done(false)`. */
  manifest: Promise<Manifest>;
  /** The writer has finished (true) or failed (false); only the first call counts. */
  done(ok: boolean): void;
}

/**
 * buildManifestWhileWritten for a writer the caller ends itself (a dump, and what is rewritten in
 * its images after it): the page images followed from now on, the rest read at `done(true)`.
 */
export function hashWhileWritten(dir: string, skip: (rel: string) => boolean, algorithm: ImageDigest): DirHashing {
  let done: (ok: boolean) => void = () => undefined;
  const written = new Promise<void>((resolve, reject) => {
    done = (ok) => (ok ? resolve() : reject(new Error(`the writing of ${dir} did not complete`)));
  });
  const manifest = buildManifestWhileWritten(dir, skip, algorithm, written);
  manifest.catch(() => undefined); // the caller awaits it after done(true)
  return { manifest, done };
}

/** Bytes of the manifest's page images (CRIU's pages-N.img): the memory dumped. */
export const pageImageBytes = (m: Manifest): number => m.files.filter((f) => isPageImage(f.path)).reduce((s, f) => s + f.size, 0);

/** The page images hashed (asynchronously: meant to run beside `criu restore`); the problems found, none when they match. */
export async function checkPageImages(dir: string, m: Manifest, onBytes?: (n: number) => void): Promise<string[]> {
  const problems: string[] = [];
  for (const f of m.files.filter((x) => isPageImage(x.path))) {
    try {
      if ((await digestFile(join(dir, f.path), m.algorithm, onBytes, f.size)) !== f.digest)
        problems.push(`${f.path}: ${m.algorithm} differs`);
    } catch (err) {
      problems.push(`${f.path}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return problems;
}

/** The whole check at once (a container's images: its runtime has no way to hold the restored tasks). */
export async function verifyManifest(dir: string, m: Manifest): Promise<void> {
  checkBeforeRestore(dir, m);
  const problems = await checkPageImages(dir, m);
  if (problems.length > 0) throw mismatch(dir, problems);
}

/** MANIFEST_MISMATCH for problems found by `checkPageImages`. */
export const pageImagesMismatch = (dir: string, problems: string[]): SeamlessError => mismatch(dir, problems);

/** A manifest of a subdirectory, its paths made relative to the parent. */
export function prefixed(dir: string, m: Manifest): Manifest {
  return { ...m, files: m.files.map((f) => ({ ...f, path: `${dir}/${f.path}` })) };
}

/** Manifests of one workload's rounds (all hashed with one algorithm) as one. */
export function mergeManifests(algorithm: ImageDigest, parts: Manifest[]): Manifest {
  for (const p of parts) if (p.algorithm !== algorithm) throw new Error(`manifest parts hashed with ${p.algorithm}, expected ${algorithm}`);
  return manifestOf(
    algorithm,
    parts.flatMap((m) => m.files).sort((a, b) => a.path.localeCompare(b.path)),
  );
}
