// Why: the lab wants two exact Debian kernel packages; mirrors move on and drop
// old ABIs. These pure helpers read `apt-cache policy` / `apt-cache search`
// output so `build` can check the wanted pair exists and otherwise fall back to
// the two newest installable 6.1.0-N-amd64 images (and say so loudly).
import type { KernelPair } from './imageRecipe.js';

/** Package name -> candidate version, or null when there is none. */
export function parsePolicyCandidates(text: string): Map<string, string | null> {
  const out = new Map<string, string | null>();
  let current: string | undefined;
  for (const line of text.split('\n')) {
    const pkg = /^(\S+):\s*$/.exec(line);
    if (pkg) {
      current = pkg[1]!;
      out.set(current, null);
      continue;
    }
    const cand = /^\s+Candidate:\s*(\S+)/.exec(line);
    if (cand && current !== undefined) out.set(current, cand[1] === '(none)' ? null : cand[1]!);
  }
  return out;
}

/** ABI numbers of `linux-image-6.1.0-N-amd64` lines in `apt-cache search` output. */
export function parseKernelAbis(text: string): number[] {
  const abis = new Set<number>();
  for (const line of text.split('\n')) {
    const m = /^linux-image-6\.1\.0-(\d+)-amd64\s/.exec(line);
    if (m) abis.add(Number(m[1]));
  }
  return [...abis].sort((a, b) => a - b);
}

export interface KernelResolution {
  kernels: KernelPair;
  fallback: boolean;
  missing: string[];
}

/**
 * The wanted pair when both have a candidate; otherwise the two newest
 * installable ABIs (older boots, newer is the target).
 */
export function resolveKernels(
  wanted: KernelPair,
  candidates: Map<string, string | null>,
  installableAbis: readonly number[],
): KernelResolution | undefined {
  const missing = [wanted.boot, wanted.target].filter((k) => !candidates.get(`linux-image-${k}`));
  if (missing.length === 0) return { kernels: { ...wanted }, fallback: false, missing };
  const newest = [...installableAbis].sort((a, b) => a - b).slice(-2);
  if (newest.length < 2) return undefined;
  return {
    kernels: { boot: `6.1.0-${newest[0]}-amd64`, target: `6.1.0-${newest[1]}-amd64` },
    fallback: true,
    missing,
  };
}
