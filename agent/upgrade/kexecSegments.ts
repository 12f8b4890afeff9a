// Why: kexec-tools places the new kernel's segments by /sys/firmware/memmap, which shows a
// memmap= reservation as ordinary RAM: a segment could land on the image store and overwrite
// the images at `kexec -e`. `kexec -l -d` prints where it put each segment; this reads that and
// says whether any overlaps the store, and which --mem-min/--mem-max window avoids it.

export interface Segment {
  index: number;
  mem: number;
  memsz: number;
}

export interface Range {
  start: number;
  /** Inclusive, as /proc/iomem writes it. */
  end: number;
}

/** Parses `segment[N].mem = 0x…` / `segment[N].memsz = 0x…` lines of `kexec -d`. */
export function parseKexecSegments(text: string): Segment[] {
  const byIndex = new Map<number, Partial<Segment>>();
  for (const line of text.split('\n')) {
    const m = /segment\[(\d+)\]\.(mem|memsz)\s*=\s*(0x[0-9a-fA-F]+|\d+|\(nil\))/.exec(line);
    if (!m) continue;
    const index = Number(m[1]);
    const value = m[3] === '(nil)' ? 0 : Number(m[3]);
    const seg = byIndex.get(index) ?? { index };
    if (m[2] === 'mem') seg.mem = value;
    else seg.memsz = value;
    byIndex.set(index, seg);
  }
  return [...byIndex.values()].filter((s): s is Segment => s.mem !== undefined && s.memsz !== undefined).sort((a, b) => a.index - b.index);
}

export function overlapping(segments: Segment[], store: Range): Segment[] {
  return segments.filter((s) => s.memsz > 0 && s.mem <= store.end && s.mem + s.memsz - 1 >= store.start);
}

/**
 * A window for `--mem-min/--mem-max` that keeps every segment off the store: above it when RAM
 * above it is large enough, else below it. null when neither side has `need` bytes of room.
 */
export function placementWindow(store: Range, ramTop: number, need: number): { memMin: number; memMax: number } | null {
  // Low memory below 16 MiB is crowded (real-mode, ISA DMA): do not count it.
  const LOW = 16 * 1024 * 1024;
  const above = { memMin: store.end + 1, memMax: ramTop };
  const below = { memMin: LOW, memMax: store.start - 1 };
  const size = (w: { memMin: number; memMax: number }) => w.memMax - w.memMin + 1;
  if (size(above) >= need) return above;
  if (size(below) >= need) return below;
  return null;
}

export const hex = (n: number) => `0x${n.toString(16)}`;
