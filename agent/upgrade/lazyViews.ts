// Why: a lazily restored tree is pre-dumped like any other (its freeze then dumps only what changed
// since the round), but CRIU 3.17's lazy-pages daemon never answers a fault on a page that lies in
// a parent image: its parent page-read has no completion (criu/pagemap.c read_parent_page,
// criu/uffd.c). So the restore and the daemon are each given a view of the images, directories of
// links to the dump's files with the page maps rewritten:
//
// - the daemon's view (lazy-serve): the pre-dump round's page maps, without a parent, the pages
//   it serves marked PE_LAZY: every page the final dump left in the round (PE_PARENT) that CRIU
//   would have restored lazily itself (an anonymous private VMA, not a thread's stack page). It
//   reads them from the round's own page files, the one way it serves pages;
// - the restore's view (lazy-restore): the final dump's page maps with exactly those pages marked
//   PE_LAZY (skipped, neither present nor in the parent); everything else it restores before the
//   tree runs: the pages dirtied since the round (the final dump's own, few by design), the stack
//   pages, and whatever CRIU restores eagerly anyway.
//
// The two views come from one computed set of pages, so what the restore skips is exactly what the
// daemon serves: a skipped page the daemon did not know would come back zero-filled. One round
// only (preDump.ts): with more, a page's data may sit in any round, and the daemon reads one file.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  lazyVmas,
  PE_LAZY,
  PE_PARENT,
  PE_PRESENT,
  readPagemap,
  threadStackPointer,
  writePagemap,
  PAGE_SIZE,
  type PageRun,
  type Pagemap,
  type PagemapEntry,
} from '../criu/pagemapImage';

export const LAZY_RESTORE_VIEW = 'lazy-restore';
export const LAZY_SERVE_VIEW = 'lazy-serve';

export interface LazyViews {
  /** The images `criu restore --lazy-pages` reads. */
  restoreDir: string;
  /** The images `criu lazy-pages` serves from. */
  serveDir: string;
  /** Pages the daemon serves after the tree runs again. */
  servedPages: number;
  /** Pages of the page maps the restore copies before the tree runs. */
  eagerPages: number;
}

/** a ∩ b (both sorted, their runs disjoint). */
export function intersectRuns(a: readonly PageRun[], b: readonly PageRun[]): PageRun[] {
  const out: PageRun[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    const start = Math.max(a[i]!.start, b[j]!.start);
    const end = Math.min(a[i]!.end, b[j]!.end);
    if (start < end) out.push({ start, end });
    if (a[i]!.end < b[j]!.end) i++;
    else j++;
  }
  return out;
}

/** a − b (both sorted, their runs disjoint). */
export function subtractRuns(a: readonly PageRun[], b: readonly PageRun[]): PageRun[] {
  const out: PageRun[] = [];
  let j = 0;
  for (const r of a) {
    let start = r.start;
    while (j < b.length && b[j]!.end <= start) j++;
    for (let k = j; k < b.length && b[k]!.start < r.end; k++) {
      if (b[k]!.start > start) out.push({ start, end: b[k]!.start });
      start = Math.max(start, b[k]!.end);
    }
    if (start < r.end) out.push({ start, end: r.end });
  }
  return out;
}

/** The entries cut where `marked` begins and ends; each piece says whether it lies in `marked`. */
export function splitEntries(entries: readonly PagemapEntry[], marked: readonly PageRun[]): (PagemapEntry & { marked: boolean })[] {
  const out: (PagemapEntry & { marked: boolean })[] = [];
  let j = 0;
  for (const e of entries) {
    let at = e.start;
    while (j < marked.length && marked[j]!.end <= at) j++;
    for (let k = j; k < marked.length && marked[k]!.start < e.end && at < e.end; k++) {
      const m = marked[k]!;
      if (m.start > at) out.push({ start: at, end: m.start, flags: e.flags, marked: false });
      const end = Math.min(m.end, e.end);
      if (end > Math.max(at, m.start)) out.push({ start: Math.max(at, m.start), end, flags: e.flags, marked: true });
      at = Math.max(at, end);
    }
    if (at < e.end) out.push({ start: at, end: e.end, flags: e.flags, marked: false });
  }
  return out;
}

const pagesOf = (runs: readonly PageRun[]) => runs.reduce((n, r) => n + r.end - r.start, 0);

/**
 * Per process of a final dump whose parent is a single pre-dump round: the restore's page map and
 * the daemon's. Pure: `files` reads an image of the dump ('dump') or the round ('round') by name,
 * null when the round has none.
 */
export function lazyPagemaps(
  pid: string,
  files: (where: 'dump' | 'round', name: string) => Buffer | null,
  stackPages: readonly PageRun[],
): { restore: Pagemap; serve: Pagemap | null; served: number; eager: number } {
  const finalName = `pagemap-${pid}.img`;
  const final = readPagemap(files('dump', finalName)!, `dump/${finalName}`);
  const roundImg = files('round', finalName);
  const round = roundImg ? readPagemap(roundImg, `the pre-dump round's ${finalName}`) : null;
  if (round?.entries.some((e) => (e.flags & PE_PARENT) !== 0 || (e.flags & PE_PRESENT) === 0))
    throw new Error(`the pre-dump round's ${finalName} has pages in a parent of its own: a lazy restore serves one round only`);
  const inParent = final.entries.filter((e) => (e.flags & PE_PARENT) !== 0 && (e.flags & PE_PRESENT) === 0);
  const mmName = `mm-${pid}.img`;
  const served = round
    ? subtractRuns(intersectRuns(intersectRuns(inParent, lazyVmas(files('dump', mmName)!, `dump/${mmName}`)), round.entries), stackPages)
    : [];
  const restore: Pagemap = {
    pagesId: final.pagesId,
    entries: splitEntries(final.entries, served).map((p) => ({
      start: p.start,
      end: p.end,
      // Served: skipped by the restore, neither in its page file nor in the parent. The rest is
      // restored before the tree runs (the daemon serves nothing else).
      flags: p.marked ? PE_LAZY : p.flags & ~PE_LAZY,
    })),
  };
  const serve: Pagemap | null = round
    ? {
        pagesId: round.pagesId,
        entries: splitEntries(round.entries, served).map((p) => ({
          start: p.start,
          end: p.end,
          flags: p.marked ? PE_PRESENT | PE_LAZY : PE_PRESENT,
        })),
      }
    : null;
  const servedPages = pagesOf(served);
  return { restore, serve, served: servedPages, eager: pagesOf(final.entries) - servedPages };
}

/** Each thread's stack page, from the dump's core images (CRIU keeps them eager: criu/mem.c is_stack). */
function stackPagesOf(dumpDir: string, names: readonly string[]): PageRun[] {
  const pages = new Set<number>();
  for (const n of names.filter((x) => /^core-\d+\.img$/.test(x))) {
    const sp = threadStackPointer(readFileSync(join(dumpDir, n)), `dump/${n}`);
    if (sp !== null) pages.add(Math.floor(sp / PAGE_SIZE));
  }
  return [...pages].sort((a, b) => a - b).map((p) => ({ start: p, end: p + 1 }));
}

/** Images of the dump a view links to (not the logs and statistics of earlier runs). */
const linked = (name: string) => !/\.log$|^stats-|^pagemap-\d+\.img$/.test(name);

/** The views' directories beside the dump. */
export const lazyViewDirs = (dumpDir: string): { restoreDir: string; serveDir: string } => ({
  restoreDir: join(dirname(dumpDir), LAZY_RESTORE_VIEW),
  serveDir: join(dirname(dumpDir), LAZY_SERVE_VIEW),
});

/** The pre-dump round the dump's parent link names; refused when it has a parent of its own. */
function roundOf(dumpDir: string): string {
  const roundDir = resolve(dumpDir, readlinkSync(join(dumpDir, 'parent')));
  if (lstatSync(join(roundDir, 'parent'), { throwIfNoEntry: false }))
    throw new Error(`the pre-dump round ${roundDir} has a parent of its own: a lazy restore serves one round only`);
  return roundDir;
}

/**
 * Both views' directories, afresh, with links to every image of the dump but the page maps and
 * the daemon's page files: what `criu lazy-pages` reads when it starts (the process tree; CRIU
 * 3.17's cr_lazy_pages reads a process's page map and VMAs only when the restore hands it that
 * process). So the daemon can start on these while the page maps are computed (writeLazyPagemaps).
 * Throws when the dump's parent is not one pre-dump round.
 */
export function linkLazyViews(dumpDir: string): { restoreDir: string; serveDir: string } {
  const { restoreDir, serveDir } = lazyViewDirs(dumpDir);
  const roundDir = roundOf(dumpDir);
  for (const d of [restoreDir, serveDir]) {
    rmSync(d, { recursive: true, force: true });
    mkdirSync(d, { mode: 0o700 });
  }
  for (const n of readdirSync(dumpDir).filter(linked)) {
    const target = resolve(dumpDir, n);
    if (n === 'parent') symlinkSync(roundDir, join(restoreDir, n));
    else {
      symlinkSync(target, join(restoreDir, n));
      if (!/^pages-\d+\.img$/.test(n)) symlinkSync(target, join(serveDir, n));
    }
  }
  return { restoreDir, serveDir };
}

/**
 * The views' page maps, and the daemon's page files (the round's, renumbered), written into the
 * directories linkLazyViews made. Throws (nothing is restored from them then) when an image
 * cannot be read.
 */
export function writeLazyPagemaps(dumpDir: string): { servedPages: number; eagerPages: number } {
  const { restoreDir, serveDir } = lazyViewDirs(dumpDir);
  const roundDir = roundOf(dumpDir);
  const names = readdirSync(dumpDir);
  const stackPages = stackPagesOf(dumpDir, names);
  const read = (where: 'dump' | 'round', name: string): Buffer | null => {
    const p = join(where === 'dump' ? dumpDir : roundDir, name);
    return where === 'round' && !existsSync(p) ? null : readFileSync(p);
  };
  let servedPages = 0;
  let eagerPages = 0;
  let nextPagesId = 1;
  for (const n of names.filter((x) => /^pagemap-\d+\.img$/.test(x)).sort()) {
    const pid = /^pagemap-(\d+)\.img$/.exec(n)![1]!;
    const v = lazyPagemaps(pid, read, stackPages);
    servedPages += v.served;
    eagerPages += v.eager;
    writeFileSync(join(restoreDir, n), writePagemap(v.restore), { mode: 0o600 });
    // The daemon's page files are the round's, renumbered so that no two processes' ids meet; a
    // process the round did not know (it started after it) has nothing to serve: an empty file.
    const id = nextPagesId++;
    writeFileSync(join(serveDir, n), writePagemap({ pagesId: id, entries: v.serve?.entries ?? [] }), { mode: 0o600 });
    if (v.serve) symlinkSync(join(roundDir, `pages-${v.serve.pagesId}.img`), join(serveDir, `pages-${id}.img`));
    else writeFileSync(join(serveDir, `pages-${id}.img`), '', { mode: 0o600 });
  }
  return { servedPages, eagerPages };
}

/** Both views at once (linkLazyViews, then writeLazyPagemaps). */
export function buildLazyViews(dumpDir: string): LazyViews {
  const dirs = linkLazyViews(dumpDir);
  return { ...dirs, ...writeLazyPagemaps(dumpDir) };
}
