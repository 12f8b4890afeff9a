// Why: /proc/PID/smaps_rollup (Linux 4.14+) sums a process's mappings in one read, far cheaper
// than smaps. Pss_Anon/Pss_File/Pss_Shmem exist from 5.8 on; older kernels give Rss/Pss/
// Anonymous/Swap only, and the split then comes from /proc/PID/status (RssAnon/RssFile/RssShmem).

export interface SmapsRollup {
  rss: number;
  pss: number;
  anonymous: number;
  swap: number;
  pssAnon: number | null;
  pssFile: number | null;
  pssShmem: number | null;
}

export function parseSmapsRollup(text: string): SmapsRollup | null {
  const kv = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+) kB$/.exec(line);
    if (m) kv.set(m[1]!, Number(m[2]) * 1024);
  }
  const rss = kv.get('Rss');
  const pss = kv.get('Pss');
  if (rss === undefined || pss === undefined) return null;
  return {
    rss,
    pss,
    anonymous: kv.get('Anonymous') ?? 0,
    swap: kv.get('Swap') ?? 0,
    pssAnon: kv.get('Pss_Anon') ?? null,
    pssFile: kv.get('Pss_File') ?? null,
    pssShmem: kv.get('Pss_Shmem') ?? null,
  };
}
