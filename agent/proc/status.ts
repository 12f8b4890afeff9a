// Why: /proc/PID/status gives the real uid, the tracer and swap without parsing maps; only the
// few keys the inventory needs are kept.

export interface ProcStatus {
  uid: number | null;
  tracerPid: number;
  threads: number | null;
  swapBytes: number;
  rssAnonBytes: number | null;
  rssFileBytes: number | null;
  rssShmemBytes: number | null;
}

function kb(v: string | undefined): number | null {
  if (v === undefined) return null;
  const n = Number.parseInt(v, 10);
  return Number.isFinite(n) ? n * 1024 : null;
}

export function parseStatus(text: string): ProcStatus {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) kv.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  const uid = kv.get('Uid')?.split(/\s+/)[0];
  return {
    uid: uid !== undefined && /^\d+$/.test(uid) ? Number(uid) : null,
    tracerPid: Number(kv.get('TracerPid') ?? 0) || 0,
    threads: kv.has('Threads') ? Number(kv.get('Threads')) : null,
    swapBytes: kb(kv.get('VmSwap')) ?? 0,
    rssAnonBytes: kb(kv.get('RssAnon')),
    rssFileBytes: kb(kv.get('RssFile')),
    rssShmemBytes: kb(kv.get('RssShmem')),
  };
}
