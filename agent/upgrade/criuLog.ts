// Why: CRIU's exit status is the verdict, but its log says why. It also prints harmless
// "Error (criu/util.c:642)" lines while probing the kernel, so a log is judged by its end
// ("Dumping finished successfully" / "Restore finished successfully"), never by grepping Error.

export function criuSucceeded(kind: 'dump' | 'pre-dump' | 'restore', exitCode: number, log: string): boolean {
  if (exitCode !== 0) return false;
  const lines = log.trimEnd().split('\n');
  const tail = lines.slice(-5).join('\n');
  if (kind === 'restore') return /Restore finished successfully/.test(tail) || !/Error|Failed/.test(tail);
  return /(Dumping|Pre-dumping) finished successfully/.test(tail) || !/Error|Failed/.test(tail);
}

/** The lines worth showing: the last errors plus the last lines, without the known probe noise. */
export function criuEvidence(log: string, maxLines = 25): string {
  const lines = log.trimEnd().split('\n');
  const errors = lines.filter((l) => /Error|Failed|failed/.test(l) && !/criu\/util\.c:642/.test(l)).slice(-10);
  const tail = lines.slice(-maxLines);
  const merged = [...errors.filter((e) => !tail.includes(e)), ...(errors.length ? ['…'] : []), ...tail];
  return merged.join('\n');
}

/** Pages written by a (pre-)dump: the sum of pages-*.img sizes in its directory listing. */
export function pagesBytes(files: { name: string; size: number }[]): number {
  return files.filter((f) => /^pages-\d+\.img$/.test(f.name)).reduce((s, f) => s + f.size, 0);
}

/** Pre-dump rounds stop when the dirty set no longer shrinks by at least 10 %, or at `max`. */
export function shouldPreDumpAgain(roundBytes: number[], max: number): boolean {
  if (roundBytes.length >= max) return false;
  if (roundBytes.length < 2) return true;
  const prev = roundBytes[roundBytes.length - 2]!;
  const last = roundBytes[roundBytes.length - 1]!;
  return last < prev * 0.9;
}
