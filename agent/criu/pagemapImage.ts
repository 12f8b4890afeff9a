// Why: a lazily restored tree that was pre-dumped needs its page maps rewritten (lazyViews.ts):
// CRIU 3.17's lazy-pages daemon cannot answer a fault on a page that lies in a parent image. This
// reads and writes CRIU's pagemap images, and reads the two other things that decide which pages
// may come back lazily, as CRIU's own dump decides it (criu/mem.c generate_iovs): the VMAs of the
// mm image that can be restored lazily, and each thread's stack pointer (its page stays eager).
// Addresses are in pages (vaddr / 4096) throughout.
import { decodeFields, messageOf, putVarint, readVarintMessage, varintOf, type WireField } from './protoWire';

const IMG_COMMON_MAGIC = 0x54564319;
const PAGEMAP_MAGIC = 0x56084025;
const CORE_MAGIC = 0x55053847;
const MM_MAGIC = 0x57492820;

export const PAGE_SIZE = 4096;
/** criu/include/pagemap.h */
export const PE_PARENT = 1 << 0;
export const PE_LAZY = 1 << 1;
export const PE_PRESENT = 1 << 2;

/** A run of pages: [start, end) in page numbers. */
export interface PageRun {
  start: number;
  end: number;
}

export interface PagemapEntry extends PageRun {
  flags: number;
}

export interface Pagemap {
  /** The pages-<id>.img that holds the data of the PE_PRESENT entries, in their order. */
  pagesId: number;
  entries: PagemapEntry[];
}

function checkMagic(img: Buffer, magic: number, what: string, name: string): void {
  if (img.length < 8 || img.readUInt32LE(0) !== IMG_COMMON_MAGIC || img.readUInt32LE(4) !== magic)
    throw new Error(`${name} is not a CRIU ${what} image (its magic is not ${what})`);
}

/** The entry at `at` (a u32 length, then its message): where its message starts and ends. */
function entryAt(img: Buffer, at: number, name: string): [start: number, end: number] {
  if (at + 4 > img.length) throw new Error(`${name}: a truncated entry at offset ${at}`);
  const size = img.readUInt32LE(at);
  if (at + 4 + size > img.length) throw new Error(`${name}: an entry of ${size} bytes runs past the end of the file`);
  return [at + 4, at + 4 + size];
}

/** The image's entries (each a u32 length and a protobuf message) after its two magics. */
function imageEntries(img: Buffer, magic: number, what: string, name: string): Buffer[] {
  checkMagic(img, magic, what, name);
  const out: Buffer[] = [];
  for (let at = 8; at < img.length;) {
    const [start, end] = entryAt(img, at, name);
    out.push(img.subarray(start, end));
    at = end;
  }
  return out;
}

function required(fields: readonly WireField[], no: number, what: string, name: string): number {
  const v = varintOf(fields, no);
  if (v === null) throw new Error(`${name}: ${what} is missing`);
  return v;
}

/**
 * A pagemap image (images/pagemap.proto): its head, then its entries in address order. Read in
 * one pass over the image, an entry's varints straight into numbers (a page map has an entry per
 * 4 MiB of memory at most: 264 for a 1 GiB tree's round; under the lab's emulation the views of a
 * restore boot read and write them while the tree waits).
 */
export function readPagemap(img: Buffer, name = 'the pagemap'): Pagemap {
  checkMagic(img, PAGEMAP_MAGIC, 'PAGEMAP', name);
  let pagesId: number | null = null;
  const entries: PagemapEntry[] = [];
  // pagemap_entry: 1 vaddr, 2 nr_pages, 3 in_parent (older images), 4 flags; all varints.
  const v: (number | undefined)[] = new Array<number | undefined>(5);
  for (let at = 8; at < img.length;) {
    const [start, end] = entryAt(img, at, name);
    at = end;
    if (pagesId === null) {
      pagesId = required(decodeFields(img.subarray(start, end)), 1, 'the head’s pages_id', name);
      continue;
    }
    if (!readVarintMessage(img, v, start, end)) {
      const f = decodeFields(img.subarray(start, end));
      for (const no of [1, 2, 3, 4]) v[no] = varintOf(f, no) ?? undefined;
    }
    const [, vaddr, nr, inParent] = v;
    if (vaddr === undefined) throw new Error(`${name}: an entry’s vaddr is missing`);
    if (nr === undefined) throw new Error(`${name}: an entry’s nr_pages is missing`);
    if (vaddr % PAGE_SIZE !== 0) throw new Error(`${name}: an entry at ${vaddr.toString(16)} is not page-aligned`);
    // As CRIU reads an image of an older version (criu/pagemap.c init_compat_pagemap_entry).
    let flags = v[4] ?? null;
    if (inParent === 1) flags = (flags ?? 0) | PE_PARENT;
    else if (flags === null) flags = PE_PRESENT;
    const first = vaddr / PAGE_SIZE;
    if (entries.length > 0 && first < entries[entries.length - 1]!.end)
      throw new Error(`${name}: entries out of address order at ${entries.length}`);
    entries.push({ start: first, end: first + nr, flags });
  }
  if (pagesId === null) throw new Error(`${name}: no pagemap head`);
  return { pagesId, entries };
}

/** The image CRIU reads: the head, then each entry with its flags (never the old in_parent field). */
export function writePagemap(p: Pagemap): Buffer {
  // Each message after its size (u32, little-endian): the head's one field, an entry's three;
  // a field takes at most 11 bytes (its key and a 10-byte varint).
  const img = Buffer.allocUnsafe(8 + 4 + 11 + p.entries.length * (4 + 33));
  img.writeUInt32LE(IMG_COMMON_MAGIC, 0);
  img.writeUInt32LE(PAGEMAP_MAGIC, 4);
  let at = 8;
  const sized = (body: number, end: number) => {
    img.writeUInt32LE(end - body, body - 4);
    return end;
  };
  at = sized(at + 4, putVarint(img, putVarint(img, at + 4, 1 * 8), p.pagesId));
  for (const e of p.entries) {
    let end = putVarint(img, putVarint(img, at + 4, 1 * 8), e.start * PAGE_SIZE);
    end = putVarint(img, putVarint(img, end, 2 * 8), e.end - e.start);
    end = putVarint(img, putVarint(img, end, 4 * 8), e.flags);
    at = sized(at + 4, end);
  }
  return img.subarray(0, at);
}

/** The thread's stack pointer (core_entry.thread_info.gpregs.sp, x86-64), or null when the image has none. */
export function threadStackPointer(img: Buffer, name = 'the core image'): number | null {
  const [entry] = imageEntries(img, CORE_MAGIC, 'CORE', name);
  if (!entry) throw new Error(`${name}: no core entry`);
  const info = messageOf(decodeFields(entry), 2);
  const regs = info ? messageOf(info, 2) : null;
  return regs ? varintOf(regs, 20) : null;
}

// mmap flags and CRIU's VMA status bits (criu/include/image.h) that decide vma_entry_can_be_lazy.
const MAP_PRIVATE = 0x02;
const MAP_ANONYMOUS = 0x20;
const MAP_LOCKED = 0x2000;
const MAP_HUGETLB = 0x40000;
const VMA_AREA_VSYSCALL = 1 << 2;
const VMA_AREA_VDSO = 1 << 3;

/** The mm image's VMAs whose pages CRIU can restore lazily (criu/include/vma.h vma_entry_can_be_lazy), in pages. */
export function lazyVmas(img: Buffer, name = 'the mm image'): PageRun[] {
  const [entry] = imageEntries(img, MM_MAGIC, 'MM', name);
  if (!entry) throw new Error(`${name}: no mm entry`);
  const out: PageRun[] = [];
  for (const f of decodeFields(entry)) {
    if (f.no !== 14) continue;
    const vma = messageOf([f], 14)!;
    const flags = required(vma, 6, 'a VMA’s flags', name);
    const status = required(vma, 7, 'a VMA’s status', name);
    const lazy =
      (flags & MAP_ANONYMOUS) !== 0 &&
      (flags & MAP_PRIVATE) !== 0 &&
      (flags & (MAP_LOCKED | MAP_HUGETLB)) === 0 &&
      (status & (VMA_AREA_VDSO | VMA_AREA_VSYSCALL)) === 0;
    if (lazy)
      out.push({ start: required(vma, 1, 'a VMA’s start', name) / PAGE_SIZE, end: required(vma, 2, 'a VMA’s end', name) / PAGE_SIZE });
  }
  return out.sort((a, b) => a.start - b.start);
}
