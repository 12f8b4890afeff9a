// Why: a memmap=SIZE!OFFSET reservation (or a real NVDIMM) shows in /proc/iomem as
// "Persistent Memory (legacy)" / "Persistent Memory"; that range is the image store that
// survives kexec. Addresses read as zero without CAP_SYS_ADMIN, which is reported, not guessed.

export interface IomemRegion {
  start: number;
  end: number;
  sizeBytes: number;
  kind: 'legacy' | 'nvdimm';
}

export function parsePmemRegions(iomem: string): { regions: IomemRegion[]; addressesHidden: boolean } {
  const regions: IomemRegion[] = [];
  let hidden = false;
  for (const line of iomem.split('\n')) {
    const m = /^\s*([0-9a-f]+)-([0-9a-f]+) : (Persistent Memory(?: \(legacy\))?)$/.exec(line);
    if (!m) continue;
    const start = Number.parseInt(m[1]!, 16);
    const end = Number.parseInt(m[2]!, 16);
    if (start === 0 && end === 0) hidden = true;
    regions.push({ start, end, sizeBytes: end - start + 1, kind: m[3]!.includes('legacy') ? 'legacy' : 'nvdimm' });
  }
  return { regions, addressesHidden: hidden };
}
