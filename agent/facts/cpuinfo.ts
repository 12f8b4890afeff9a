// Why: the CPU count and model shown for a host come from /proc/cpuinfo, whose layout differs by
// architecture (x86 "model name", arm64 often has none, s390 "processor N:" lines). Pure parser.

export interface CpuSummary {
  /** Logical CPUs listed (one "processor" stanza each). */
  count: number;
  model: string | null;
  /** x86 "flags" / arm64 "Features" of the first CPU. */
  flags: string[];
}

export function parseCpuinfo(text: string): CpuSummary {
  let count = 0;
  let model: string | null = null;
  let flags: string[] | null = null;
  for (const line of text.split('\n')) {
    const sep = line.indexOf(':');
    if (sep === -1) continue;
    const key = line.slice(0, sep).trim();
    const value = line.slice(sep + 1).trim();
    if (key === 'processor' && /^\d+$/.test(value)) count++;
    else if (model === null && (key === 'model name' || key === 'Model' || key === 'cpu model') && value !== '') {
      model = value;
    } else if (flags === null && (key === 'flags' || key === 'Features')) {
      flags = value.split(/\s+/).filter(Boolean);
    }
  }
  return { count, model, flags: flags ?? [] };
}
