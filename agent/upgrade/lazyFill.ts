// Why: phase "lazy-fill", after a lazy restore (restoreMode lazy): the trees run again, their pages
// come back on demand and in the background (lazyPages.ts). This sees each fill through: the page
// images are hashed against the manifest meanwhile, and the daemon's end is read from what its
// supervisor wrote. A fill that ends with every page back and images that match is `filled`;
// anything else (the daemon killed or failing on an image, the store gone, a digest that differs,
// no end in time) stops the tree — it never runs on with pages the kernel would zero-fill — and is
// journaled as `fill-failed` with the evidence. The outcome then says failed: the tree is there,
// stopped, for the admin to look at.
import { dirname, join } from 'node:path';
import { toErrorInfo } from '../../shared/errors';
import type { RecordedError, RecordOf } from '../../shared/domain/journal';
import { formatBytes } from '../../shared/format';
import { stopTogether } from './dumpedTasks';
import { PAGE_SIZE } from '../criu/pagemapImage';
import { readText } from '../fs/readOptional';
import { criuEvidence } from './criuLog';
import type { Journal } from './journal';
import { LAZY_LOG, lazyLogCounts, lazyStatus, stopLazyPages, type LazyStatus } from './lazyPages';
import { checkPageImages, pageImageBytes, pageImagesMismatch, readManifest } from './manifest';
import type { RunState, WorkloadState } from './state';

/** Slower than this the fill is taken as stuck (the floor covers a cold store and a busy host). */
const FILL_FLOOR_MS = 120_000;
const FILL_MIN_BYTES_PER_S = 5e6;

interface FillEnd {
  selector: string;
  ok: boolean;
  ms: number | null;
  endedAtMs: number;
  pages: number | null;
  faults: number | null;
  /** Page images less the pages the daemon served: what CRIU restored before the tree ran. */
  eagerBytes: number | null;
  error: RecordedError | null;
}

async function seeFillThrough(w: WorkloadState, restored: RecordOf<'restore', 'info'>): Promise<FillEnd> {
  const runningAtMs = Date.parse(restored.at);
  const wdir = dirname(w.dir);
  const deadline = runningAtMs + Math.max(FILL_FLOOR_MS, ((w.bytesDumped || (w.estimatedBytes ?? 0)) / FILL_MIN_BYTES_PER_S) * 1000);
  const checked: { problems?: string[]; error?: unknown } = {};
  const manifest = readManifest(join(wdir, 'manifest.json'));
  const check = checkPageImages(wdir, manifest).then(
    (problems) => void (checked.problems = problems),
    (err: unknown) => void (checked.error = err ?? 'the page images could not be read'),
  );
  let status: LazyStatus | null = null;
  let why: RecordedError | null = null;
  for (;;) {
    status = lazyStatus(w.dir);
    if (checked.error !== undefined) {
      why = toErrorInfo(checked.error, 'MANIFEST_MISMATCH');
      break;
    }
    if (checked.problems && checked.problems.length > 0) {
      why = pageImagesMismatch(wdir, checked.problems).toInfo();
      break;
    }
    if (status && status.code !== 0) {
      why = {
        code: 'LAZY_FILL_FAILED',
        message: `criu lazy-pages exited with ${status.code} before every page was back`,
        evidence: criuEvidence(readText(join(w.dir, LAZY_LOG))),
      };
      break;
    }
    if (status && checked.problems) break;
    if (Date.now() > deadline) {
      why = {
        code: 'LAZY_FILL_FAILED',
        message: `the lazy fill did not end within ${Math.round((deadline - runningAtMs) / 1000)} s`,
        evidence: criuEvidence(readText(join(w.dir, LAZY_LOG))),
      };
      break;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const counts = lazyLogCounts(w.dir);
  if (why) {
    // The supervisor stopped the PIDs it knew when its daemon failed; stop the whole tree as it is now too.
    stopTogether([w]);
    stopLazyPages(w.dir);
    return { selector: w.selector, ok: false, ms: null, endedAtMs: Date.now(), ...counts, eagerBytes: null, error: why };
  }
  await check;
  const endedAtMs = status!.endedAtMs;
  // After a pre-dump round the restore counted what it copied (lazyViews.ts); else it is what the daemon did not serve.
  const counted = restored.data.step === 'restored' ? restored.data.eagerBytes : undefined;
  const eagerBytes = counted ?? (counts.pages === null ? null : Math.max(0, pageImageBytes(manifest) - counts.pages * PAGE_SIZE));
  return { selector: w.selector, ok: true, ms: Math.max(0, endedAtMs - runningAtMs), endedAtMs, ...counts, eagerBytes, error: null };
}

/** Every tree this boot restored lazily, seen through to its last page (or stopped); ends with the lazy-fill record. */
export async function superviseLazyFills(state: RunState, journal: Journal): Promise<void> {
  const records = journal.records();
  const bootAt = records.findLastIndex((r) => r.phase === 'boot' && r.state === 'done');
  const lazy = records
    .slice(bootAt + 1)
    .filter(
      (r): r is RecordOf<'restore', 'info'> =>
        r.phase === 'restore' && r.state === 'info' && r.data.step === 'restored' && r.data.lazy === true,
    );
  if (lazy.length === 0) return;
  const t0 = Date.now();
  const ends = await Promise.all(
    lazy.flatMap((r) => {
      const w = state.workloads.find((x) => r.data.step === 'restored' && x.selector === r.data.selector);
      return w ? [seeFillThrough(w, r)] : [];
    }),
  );
  for (const e of ends)
    journal.write({
      phase: 'lazy-fill',
      state: 'info',
      message: e.ok
        ? `${e.selector}: every page back ${((e.ms ?? 0) / 1000).toFixed(1)} s after it ran again (${formatBytes((e.pages ?? 0) * PAGE_SIZE)} copied, ${e.faults ?? 0} page fault(s) waited for${e.eagerBytes !== null ? `; ${formatBytes(e.eagerBytes)} restored before it ran` : ''}); its page images matched`
        : `${e.selector}: STOPPED (SIGSTOP), its memory incomplete: ${e.error?.message ?? ''}. Look at it, then kill it and start it again`,
      ...(e.ms !== null ? { durationMs: e.ms } : {}),
      data: {
        step: e.ok ? 'filled' : 'fill-failed',
        selector: e.selector,
        ms: e.ms,
        pages: e.pages,
        faults: e.faults,
        eagerBytes: e.eagerBytes,
      },
      ...(e.error ? { error: e.error } : {}),
    });
  const firstRunning = Math.min(...lazy.map((r) => Date.parse(r.at)));
  const filled = ends.filter((e) => e.ok).map((e) => e.selector);
  const failed = ends.filter((e) => !e.ok).map((e) => e.selector);
  const data = {
    filled,
    failed,
    degradedMs: filled.length ? Math.max(0, Math.max(...ends.filter((e) => e.ok).map((e) => e.endedAtMs)) - firstRunning) : null,
    faults: ends.reduce((s, e) => s + (e.faults ?? 0), 0),
    eagerBytes: ends.some((e) => e.ok && e.eagerBytes !== null) ? ends.reduce((s, e) => s + (e.ok ? (e.eagerBytes ?? 0) : 0), 0) : null,
  };
  if (failed.length === 0)
    journal.write({
      phase: 'lazy-fill',
      state: 'done',
      message: `every page of ${filled.length} lazy tree(s) back`,
      durationMs: Date.now() - t0,
      data,
    });
  else
    journal.write({
      phase: 'lazy-fill',
      state: 'failed',
      message: `stopped with memory incomplete: ${failed.join(', ')}`,
      durationMs: Date.now() - t0,
      data,
      error: ends.find((e) => e.error)?.error ?? { code: 'LAZY_FILL_FAILED', message: 'a lazy fill failed' },
    });
}
