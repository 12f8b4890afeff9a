import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFields, setVarint, type WireField } from '../../../../agent/criu/protoWire';
import {
  lazyVmas,
  PE_LAZY,
  PE_PARENT,
  PE_PRESENT,
  readPagemap,
  threadStackPointer,
  writePagemap,
  type Pagemap,
} from '../../../../agent/criu/pagemapImage';
import {
  buildLazyViews,
  intersectRuns,
  lazyPagemaps,
  linkLazyViews,
  splitEntries,
  subtractRuns,
  writeLazyPagemaps,
} from '../../../../agent/upgrade/lazyViews';

const P = 4096;
const runs = (...r: [number, number][]) => r.map(([start, end]) => ({ start, end }));
const entries = (...e: [number, number, number][]) => e.map(([start, end, flags]) => ({ start, end, flags }));

/** A CRIU image: the common magic, the image's magic, then each entry with its u32 size. */
function image(magic: number, msgs: Buffer[]): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32LE(0x54564319, 0);
  head.writeUInt32LE(magic, 4);
  return Buffer.concat([head, ...msgs.flatMap((m) => [Buffer.from([m.length, 0, 0, 0]), m])]);
}
const varints = (...pairs: [number, number][]) => pairs.reduce<WireField[]>((f, [no, v]) => setVarint(f, no, v), []);
const nested = (no: number, fields: WireField[]): WireField => {
  const msg = encodeFields(fields);
  if (msg.length > 127) throw new Error('test helper: one length byte only');
  return { no, wire: 2, raw: Buffer.concat([Buffer.from([msg.length]), msg]) };
};
const MAP_PRIVATE = 0x02;
const MAP_SHARED = 0x01;
const MAP_ANONYMOUS = 0x20;
/** An mm image of these VMAs (start and end in pages). */
const mm = (...vmas: { start: number; end: number; flags: number; status?: number }[]) =>
  image(0x57492820, [
    encodeFields([
      ...varints([1, 0x400000]),
      ...vmas.map((v) =>
        nested(14, varints([1, v.start * P], [2, v.end * P], [3, 0], [4, 0], [5, 3], [6, v.flags], [7, v.status ?? 1], [8, 1])),
      ),
    ]),
  ]);
/** A core image whose thread's gpregs hold this stack pointer. */
const core = (sp: number) =>
  image(0x55053847, [encodeFields([...varints([1, 1]), nested(2, [...varints([1, 0]), nested(2, varints([17, 0x401000], [20, sp]))])])]);

describe('page runs', () => {
  it('intersects, subtracts and splits sorted runs', () => {
    expect(intersectRuns(runs([0, 10], [20, 30]), runs([5, 25]))).toEqual(runs([5, 10], [20, 25]));
    expect(intersectRuns(runs([0, 10]), runs([10, 20]))).toEqual([]);
    expect(subtractRuns(runs([0, 10], [20, 30]), runs([2, 3], [9, 21], [29, 40]))).toEqual(runs([0, 2], [3, 9], [21, 29]));
    expect(subtractRuns(runs([0, 10]), [])).toEqual(runs([0, 10]));
    expect(splitEntries(entries([0, 10, 4], [10, 12, 1]), runs([2, 4], [9, 11]))).toEqual([
      { start: 0, end: 2, flags: 4, marked: false },
      { start: 2, end: 4, flags: 4, marked: true },
      { start: 4, end: 9, flags: 4, marked: false },
      { start: 9, end: 10, flags: 4, marked: true },
      { start: 10, end: 11, flags: 1, marked: true },
      { start: 11, end: 12, flags: 1, marked: false },
    ]);
  });
});

describe('pagemap, mm and core images', () => {
  it('writes a pagemap CRIU reads back the same, and reads the old in_parent field as CRIU does', () => {
    const p: Pagemap = {
      pagesId: 3,
      entries: entries([0x7f0000000, 0x7f0000010, PE_PRESENT | PE_LAZY], [0x7f0000010, 0x7f0000012, PE_PARENT]),
    };
    expect(readPagemap(writePagemap(p))).toEqual(p);
    const old = image(0x56084025, [
      encodeFields(varints([1, 1])),
      encodeFields(varints([1, 16 * P], [2, 2], [3, 1])),
      encodeFields(varints([1, 32 * P], [2, 1])),
    ]);
    expect(readPagemap(old).entries).toEqual(entries([16, 18, PE_PARENT], [32, 33, PE_PRESENT]));
    // A field of another wire type (a later CRIU's, say) is read past the slow way, not refused.
    const later = image(0x56084025, [
      encodeFields(varints([1, 1])),
      encodeFields([...varints([1, 16 * P], [2, 2]), { no: 9, wire: 2, raw: Buffer.from([2, 0xab, 0xcd]) }, ...varints([4, PE_LAZY])]),
    ]);
    expect(readPagemap(later).entries).toEqual(entries([16, 18, PE_LAZY]));
    expect(() => readPagemap(image(0x56084025, [encodeFields(varints([1, 1])), encodeFields(varints([2, 2]))]), 'pm.img')).toThrow(
      /pm.img: an entry’s vaddr is missing/,
    );
  });

  it('refuses what is not a pagemap, or is cut short', () => {
    const good = writePagemap({ pagesId: 1, entries: entries([1, 2, PE_PRESENT]) });
    expect(() => readPagemap(mm())).toThrow(/not a CRIU PAGEMAP image/);
    expect(() => readPagemap(good.subarray(0, good.length - 2), 'pagemap-7.img')).toThrow(
      /pagemap-7.img: an entry of \d+ bytes runs past the end/,
    );
  });

  it('names the VMAs CRIU restores lazily (anonymous private, not the vDSO) and the thread’s stack pointer', () => {
    const img = mm(
      { start: 10, end: 20, flags: MAP_PRIVATE | MAP_ANONYMOUS },
      { start: 20, end: 30, flags: MAP_SHARED | MAP_ANONYMOUS },
      { start: 30, end: 31, flags: MAP_PRIVATE | MAP_ANONYMOUS, status: 1 | (1 << 3) },
      { start: 40, end: 50, flags: MAP_PRIVATE },
    );
    expect(lazyVmas(img)).toEqual(runs([10, 20]));
    expect(threadStackPointer(core(0x7ffc12345678))).toBe(0x7ffc12345678);
  });
});

describe('lazyPagemaps: what the restore skips is exactly what the daemon serves', () => {
  // The final dump: its own pages (dirtied since the round) and holes whose pages are in the round.
  const final = writePagemap({
    pagesId: 2,
    entries: entries(
      [10, 12, PE_PRESENT | PE_LAZY],
      [12, 20, PE_PARENT],
      [30, 40, PE_PARENT],
      [40, 41, PE_PRESENT],
      [50, 52, PE_PRESENT | PE_LAZY],
    ),
  });
  const round = writePagemap({ pagesId: 1, entries: entries([10, 20, PE_PRESENT | PE_LAZY], [30, 41, PE_PRESENT]) });
  const vmas = mm(
    { start: 10, end: 25, flags: MAP_PRIVATE | MAP_ANONYMOUS },
    { start: 30, end: 41, flags: MAP_PRIVATE },
    { start: 50, end: 60, flags: MAP_PRIVATE | MAP_ANONYMOUS },
  );
  const files = (images: Record<string, Buffer>, roundImages: Record<string, Buffer>) => (where: 'dump' | 'round', name: string) =>
    (where === 'dump' ? images : roundImages)[name] ?? null;

  it('serves the round’s pages of lazy VMAs but a stack page; restores the rest before the tree runs', () => {
    const v = lazyPagemaps('7', files({ 'pagemap-7.img': final, 'mm-7.img': vmas }, { 'pagemap-7.img': round }), runs([15, 16]));
    expect(v.restore).toEqual({
      pagesId: 2,
      entries: entries(
        [10, 12, PE_PRESENT], // dirtied since the round: restored first, the daemon does not have it
        [12, 15, PE_LAZY],
        [15, 16, PE_PARENT], // a thread's stack page: from the round, before it runs
        [16, 20, PE_LAZY],
        [30, 40, PE_PARENT], // not an anonymous mapping: CRIU restores it eagerly anyway
        [40, 41, PE_PRESENT],
        [50, 52, PE_PRESENT],
      ),
    });
    expect(v.serve).toEqual({
      pagesId: 1,
      entries: entries(
        [10, 12, PE_PRESENT],
        [12, 15, PE_PRESENT | PE_LAZY],
        [15, 16, PE_PRESENT],
        [16, 20, PE_PRESENT | PE_LAZY],
        [30, 41, PE_PRESENT],
      ),
    });
    expect(v.served).toBe(7);
    expect(v.eager).toBe(23 - 7);
    // the daemon's page file offsets are the round's: the same pages present, in the same order
    const present = (p: Pagemap) => p.entries.filter((e) => e.flags & PE_PRESENT).reduce((n, e) => n + e.end - e.start, 0);
    expect(present(v.serve!)).toBe(present(readPagemap(round)));
    expect(present(v.restore)).toBe(present(readPagemap(final)));
  });

  it('serves nothing for a process the round did not know', () => {
    const v = lazyPagemaps('8', files({ 'pagemap-8.img': final, 'mm-8.img': vmas }, {}), []);
    expect(v.serve).toBeNull();
    expect(v.served).toBe(0);
    expect(v.restore.entries.every((e) => (e.flags & PE_LAZY) === 0)).toBe(true);
  });

  it('refuses a round that has a parent of its own (its pages may sit in an older round)', () => {
    const deeper = writePagemap({ pagesId: 1, entries: entries([10, 20, PE_PARENT]) });
    expect(() => lazyPagemaps('7', files({ 'pagemap-7.img': final, 'mm-7.img': vmas }, { 'pagemap-7.img': deeper }), [])).toThrow(
      /one round only/,
    );
  });
});

describe('buildLazyViews: two directories of links beside the dump, the page maps rewritten', () => {
  let wdir = '';
  afterEach(() => rmSync(wdir, { recursive: true, force: true }));

  it('links the dump’s images, renumbers the daemon’s page files, keeps the restore’s parent, root’s alone', () => {
    wdir = mkdtempSync(join(tmpdir(), 'lazy-views-'));
    const dump = join(wdir, 'dump');
    const round = join(wdir, 'pre-1');
    mkdirSync(dump);
    mkdirSync(round);
    const write = (dir: string, name: string, data: Buffer | string) => writeFileSync(join(dir, name), data);
    // two processes: 7 known to the round, 8 started after it (nothing to serve)
    write(dump, 'pagemap-7.img', writePagemap({ pagesId: 1, entries: entries([10, 12, PE_PRESENT | PE_LAZY], [12, 20, PE_PARENT]) }));
    write(dump, 'pagemap-8.img', writePagemap({ pagesId: 2, entries: entries([30, 31, PE_PRESENT | PE_LAZY]) }));
    write(dump, 'mm-7.img', mm({ start: 10, end: 20, flags: MAP_PRIVATE | MAP_ANONYMOUS }));
    write(dump, 'mm-8.img', mm({ start: 30, end: 31, flags: MAP_PRIVATE | MAP_ANONYMOUS }));
    write(dump, 'core-7.img', core(19 * P + 8));
    write(dump, 'core-8.img', core(30 * P + 8));
    write(dump, 'pages-1.img', 'p7');
    write(dump, 'pages-2.img', 'p8');
    write(dump, 'pstree.img', 'tree');
    write(dump, 'dump.log', 'log');
    symlinkSync('../pre-1', join(dump, 'parent'));
    write(round, 'pagemap-7.img', writePagemap({ pagesId: 1, entries: entries([10, 20, PE_PRESENT | PE_LAZY]) }));
    write(round, 'pages-1.img', 'round7');

    // In two steps, as the restore takes them: the links first (what the daemon reads when it
    // starts: no page map, no page file of its own yet), then the page maps.
    const dirs = linkLazyViews(dump);
    expect(dirs).toEqual({ restoreDir: join(wdir, 'lazy-restore'), serveDir: join(wdir, 'lazy-serve') });
    expect(readdirSync(dirs.serveDir).sort()).toEqual(['core-7.img', 'core-8.img', 'mm-7.img', 'mm-8.img', 'pstree.img']);
    expect(readdirSync(dirs.restoreDir).filter((n) => n.startsWith('pagemap-'))).toEqual([]);
    expect(writeLazyPagemaps(dump)).toEqual({ servedPages: 7, eagerPages: 3 + 1 });
    const v = { ...dirs, servedPages: 7, eagerPages: 3 + 1 };
    // both: the dump's images but its logs (the page maps and, for the daemon, the page files its own)
    const images = [
      'core-7.img',
      'core-8.img',
      'mm-7.img',
      'mm-8.img',
      'pagemap-7.img',
      'pagemap-8.img',
      'pages-1.img',
      'pages-2.img',
      'pstree.img',
    ];
    expect(readdirSync(v.restoreDir).sort()).toEqual([...images, 'parent'].sort());
    expect(readlinkSync(join(v.restoreDir, 'parent'))).toBe(round);
    expect(readFileSync(join(v.restoreDir, 'pages-2.img'), 'utf8')).toBe('p8');
    // the restore skips 12–19 (the stack page 19 stays in the parent, restored first)
    expect(readPagemap(readFileSync(join(v.restoreDir, 'pagemap-7.img'))).entries).toEqual(
      entries([10, 12, PE_PRESENT], [12, 19, PE_LAZY], [19, 20, PE_PARENT]),
    );
    // the daemon: the round's pages for 7 (its file renumbered), an empty map and file for 8
    expect(readdirSync(v.serveDir).sort()).toEqual(images.sort());
    expect(readPagemap(readFileSync(join(v.serveDir, 'pagemap-7.img')))).toEqual({
      pagesId: 1,
      entries: entries([10, 12, PE_PRESENT], [12, 19, PE_PRESENT | PE_LAZY], [19, 20, PE_PRESENT]),
    });
    expect(readFileSync(join(v.serveDir, 'pages-1.img'), 'utf8')).toBe('round7');
    expect(readPagemap(readFileSync(join(v.serveDir, 'pagemap-8.img')))).toEqual({ pagesId: 2, entries: [] });
    expect(readFileSync(join(v.serveDir, 'pages-2.img'), 'utf8')).toBe('');
    for (const d of [v.restoreDir, v.serveDir]) {
      expect(statSync(d).mode & 0o777).toBe(0o700);
      for (const n of readdirSync(d)) if (!lstatSync(join(d, n)).isSymbolicLink()) expect(statSync(join(d, n)).mode & 0o077).toBe(0);
    }
    // built afresh: both steps at once give the same views
    expect(buildLazyViews(dump)).toEqual(v);
    expect(readPagemap(readFileSync(join(v.serveDir, 'pagemap-7.img'))).entries).toHaveLength(3);
  });

  it('refuses a dump whose round has a parent of its own, or that has no parent at all', () => {
    wdir = mkdtempSync(join(tmpdir(), 'lazy-views-'));
    const dump = join(wdir, 'dump');
    mkdirSync(dump);
    expect(() => buildLazyViews(dump)).toThrow(/ENOENT/);
    mkdirSync(join(wdir, 'pre-2'));
    symlinkSync('../pre-1', join(wdir, 'pre-2', 'parent'));
    symlinkSync('../pre-2', join(dump, 'parent'));
    expect(() => buildLazyViews(dump)).toThrow(/one round only/);
  });
});

describe('lazyPagemaps on a real pre-dump and dump (test/fixtures/criu/README.md)', () => {
  const fixture = (name: string) => readFileSync(join(__dirname, '../../../fixtures/criu/lazy', name));
  const files = (where: 'dump' | 'round', name: string) => fixture(`${where === 'dump' ? 'dump' : 'pre-1'}-${name}`);
  const final = readPagemap(fixture('dump-pagemap-456.img'));
  const round = readPagemap(fixture('pre-1-pagemap-456.img'));
  const sp = threadStackPointer(fixture('dump-core-456.img'));
  const spPage = Math.floor(sp! / P);
  const v = lazyPagemaps('456', files, runs([spPage, spPage + 1]));
  const pagesIn = (es: readonly { start: number; end: number }[]) => es.reduce((n, e) => n + e.end - e.start, 0);
  const inside = (page: number, es: readonly { start: number; end: number }[]) => es.some((e) => e.start <= page && page < e.end);
  const served = v.restore.entries.filter((e) => e.flags === PE_LAZY);

  it('writes CRIU’s own page maps back byte for byte (the views change flags, not the encoding)', () => {
    for (const name of ['dump-pagemap-456.img', 'pre-1-pagemap-456.img'])
      expect(writePagemap(readPagemap(fixture(name)))).toEqual(fixture(name));
    const swapped = writePagemap({ pagesId: 1, entries: entries([0, 1, PE_PRESENT]) });
    const twice = Buffer.concat([swapped, swapped.subarray(8 + 4 + swapped.readUInt32LE(8))]);
    expect(() => readPagemap(twice, 'pm.img')).toThrow(/pm.img: entries out of address order at 1/);
  });

  it('reads the images as crit decodes them', () => {
    expect(sp).toBe(0x7ffc3aa6c3a8);
    expect(final.entries).toHaveLength(12);
    expect(final.entries.find((e) => e.start === 0x7fb7ef54f000 / P)).toEqual({
      start: 0x7fb7ef54f000 / P,
      end: 0x7fb7ef54f000 / P + 1201,
      flags: PE_PARENT,
    });
    expect(round.entries.every((e) => e.flags & PE_PRESENT)).toBe(true);
    // the 8 MiB region, the heap, the stack are lazy; the vDSO is not
    const vmas = lazyVmas(fixture('dump-mm-456.img'));
    expect(inside(0x7fb7ef40f000 / P, vmas)).toBe(true);
    expect(inside(0x7ffc3aa6c000 / P, vmas)).toBe(true);
    expect(inside(0x7ffc3abe6000 / P, vmas)).toBe(false);
  });

  it('serves the region’s pages left in the round, never the vDSO or the stack pointer’s page; counts add up', () => {
    expect(inside(0x7fb7ef54f000 / P, served)).toBe(true);
    expect(pagesIn(served)).toBe(v.served);
    expect(v.served).toBeGreaterThanOrEqual(1201);
    expect(v.served + v.eager).toBe(pagesIn(final.entries));
    expect(inside(0x7ffc3abe6000 / P, served)).toBe(false);
    expect(inside(spPage, served)).toBe(false);
    // each served page: left in the round by the dump, present in the round
    for (const r of served) {
      expect(final.entries.some((e) => e.flags === PE_PARENT && e.start <= r.start && r.end <= e.end)).toBe(true);
      expect(round.entries.some((e) => e.start <= r.start && r.end <= e.end)).toBe(true);
    }
    // the daemon serves exactly those pages, at the round's offsets
    expect(v.serve!.entries.filter((e) => e.flags & PE_LAZY)).toEqual(served.map((e) => ({ ...e, flags: PE_PRESENT | PE_LAZY })));
    expect(pagesIn(v.serve!.entries)).toBe(pagesIn(round.entries));
    // the pages the dump wrote itself are restored before the tree runs
    const own = (p: Pagemap) => pagesIn(p.entries.filter((e) => e.flags & PE_PRESENT));
    expect(own(v.restore)).toBe(own(final));
    expect(v.restore.entries.some((e) => e.flags & PE_PRESENT && e.flags & PE_LAZY)).toBe(false);
  });
});
