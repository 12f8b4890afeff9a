// Why: a cache entry (images/<key>/) is only usable when it is complete; its
// manifest.json is written last, so "has a manifest" means "finished". The
// manifest also carries what the rest of the lab needs to know about the image
// (kernels, pinned host key, sizes, how long the build took).
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { imagePaths, imagesDir, type ImagePaths } from './labPaths.js';
import type { KernelPair } from './imageRecipe.js';

export interface LabManifest {
  version: 1;
  key: string;
  recipeHash: string;
  createdAt: string;
  suite: string;
  mirror: string;
  kernels: KernelPair;
  /** True when the wanted kernels were not in the mirror and newer ones were used. */
  kernelFallback: boolean;
  hostKey: string;
  hostKeyFingerprint: string;
  image: { sizeMiB: number; apparentBytes: number; allocatedBytes: number; rootfsBytes: number };
  initrdBytes: Record<string, number>;
  memloadDefaultSize: string;
  /** Seconds per build step. */
  durations: Record<string, number>;
}

export interface CacheEntry {
  paths: ImagePaths;
  manifest: LabManifest;
}

export function readEntry(root: string, key: string): CacheEntry | undefined {
  const paths = imagePaths(root, key);
  if (!existsSync(paths.manifest)) return undefined;
  const manifest = JSON.parse(readFileSync(paths.manifest, 'utf8')) as LabManifest;
  if (manifest.version !== 1 || !existsSync(paths.image)) return undefined;
  return { paths, manifest };
}

/** The finished entries, newest first. */
export function listEntries(root: string): CacheEntry[] {
  const dir = imagesDir(root);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((k) => readEntry(root, k))
    .filter((e): e is CacheEntry => e !== undefined)
    .sort((a, b) => (a.manifest.createdAt < b.manifest.createdAt ? 1 : -1));
}

export function writeManifest(path: string, m: LabManifest): void {
  writeFileSync(`${path}.tmp`, `${JSON.stringify(m, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/** Remove every entry (finished or not) except those in `keep`; returns what went. */
export function pruneEntries(root: string, keep: ReadonlySet<string>): string[] {
  const dir = imagesDir(root);
  if (!existsSync(dir)) return [];
  const removed: string[] = [];
  for (const k of readdirSync(dir)) {
    if (keep.has(k)) continue;
    const p = join(dir, k);
    if (!statSync(p).isDirectory()) continue;
    rmSync(p, { recursive: true, force: true });
    removed.push(k);
  }
  return removed;
}
