// Why: restoreMode lazy. `criu lazy-pages` serves a restored tree's pages from its images on the
// store as the tree touches them (userfaultfd) and pushes the rest in the background; it exits 0
// once every page is back. If it dies before that, the kernel zero-fills whatever the tree touches
// next: the tree must not run on. So the daemon runs under a small shell that outlives the boot
// hook (KillMode=process) and waits for it: on any exit but 0 it stops the tree's processes at once
// (SIGSTOP, in the same instant; see LAZY_RUNNING) and writes the daemon's exit status and time
// to lazy-fill.status. The after-restore process (lazyFill.ts) reads that file and journals the end.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readText } from '../fs/readOptional';
import { criuEvidence } from './criuLog';
import { CRIU_LOG_DEBUG } from '../criu/logLevel';
import type { WorkloadState } from './state';

export const LAZY_LOG = 'lazy-pages.log';
export const LAZY_STATUS = 'lazy-fill.status';
/** The daemon's PID, for the fill's supervisor (to end a fill that does not finish). */
export const LAZY_PID = 'lazy-pages.pid';

/**
 * Written by the restore just before it continues the tree: from then on the PIDs are the tree's
 * (before it, a daemon that fails must not stop whatever else holds those PIDs on this boot).
 */
export const LAZY_RUNNING = 'lazy-running';

// $1 the work directory, $2 the images directory (lazyViews.ts: the daemon's view after a pre-dump
// round), $3… the tree's PIDs. The daemon reports ready on fd 3. The status is
// written before the stop: the restore, which continues the tree after writing LAZY_RUNNING,
// looks for it right after, so one of the two always stops a tree whose daemon died.
const SUPERVISOR = `dir="$1"; images="$2"; shift 2
criu lazy-pages -D "$images" -W "$dir" -o ${LAZY_LOG} ${CRIU_LOG_DEBUG} --status-fd 3 &
echo $! > "$dir/${LAZY_PID}"
wait $!
rc=$?
echo "$rc $(date +%s%3N)" > "$dir/${LAZY_STATUS}.tmp" && mv "$dir/${LAZY_STATUS}.tmp" "$dir/${LAZY_STATUS}"
[ "$rc" -eq 0 ] || [ ! -e "$dir/${LAZY_RUNNING}" ] || kill -STOP "$@" 2>/dev/null
`;

export interface LazyStatus {
  code: number;
  endedAtMs: number;
}

/** The daemon's end as its supervisor wrote it, or null while it runs. */
export function lazyStatus(dir: string): LazyStatus | null {
  const m = /^(\d+) (\d+)/.exec(readText(join(dir, LAZY_STATUS)));
  return m ? { code: Number(m[1]), endedAtMs: Number(m[2]) } : null;
}

/** The daemon's PID while it runs (its supervisor wrote it), or null. */
export function lazyDaemonPid(dir: string): number | null {
  const pid = Number(readText(join(dir, LAZY_PID)).trim());
  return pid > 1 && readText(`/proc/${pid}/cmdline`).includes('lazy-pages') ? pid : null;
}

/**
 * Starts the lazy-pages daemon for one tree (under its supervising shell) and resolves once it
 * listens on the images directory's lazy-pages.socket, so that `criu restore --lazy-pages` can
 * hand it the tree's userfaultfds. Refused with CRIU's log tail when it exits first.
 */
export function startLazyPages(
  w: Pick<WorkloadState, 'dir' | 'pids'>,
  imagesDir = w.dir,
  timeoutMs = 60_000,
): Promise<{ ok: true } | { ok: false; evidence: string }> {
  for (const f of [LAZY_STATUS, LAZY_PID, LAZY_LOG, LAZY_RUNNING, 'lazy-pages.socket']) rmSync(join(w.dir, f), { force: true });
  const child = spawn('/bin/sh', ['-c', SUPERVISOR, 'seamless-lazy-pages', w.dir, imagesDir, ...w.pids.map(String)], {
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
  });
  const ready = child.stdio[3]!;
  return new Promise((resolve) => {
    const settle = (r: { ok: true } | { ok: false; evidence: string }) => {
      clearTimeout(timer);
      ready.removeAllListeners();
      child.removeAllListeners();
      ready.on('error', () => undefined);
      ready.destroy();
      child.unref();
      resolve(r);
    };
    const logTail = () => criuEvidence(readText(join(w.dir, LAZY_LOG))) || 'no log';
    const timer = setTimeout(() => {
      const pid = lazyDaemonPid(w.dir);
      if (pid) process.kill(pid, 'SIGKILL');
      settle({ ok: false, evidence: `criu lazy-pages did not report ready in ${timeoutMs / 1000} s; ${logTail()}` });
    }, timeoutMs);
    ready.once('data', () => settle({ ok: true }));
    ready.once('error', (err) => settle({ ok: false, evidence: String(err) }));
    child.once('exit', (code) =>
      settle({ ok: false, evidence: `criu lazy-pages exited (${String(code)}) before it was ready; ${logTail()}` }),
    );
  });
}

/** Ends a daemon that is not needed (its restore failed) or not finishing (its supervisor then stops the tree). */
export function stopLazyPages(dir: string): void {
  const pid = lazyDaemonPid(dir);
  if (pid) process.kill(pid, 'SIGKILL');
}

/** From the daemon's log (debug level, CRIU_LOG_DEBUG): the pages the tree waited for (#PF) and the pages copied in all. */
export function lazyLogCounts(dir: string): { faults: number | null; pages: number | null } {
  let text: string;
  try {
    text = readFileSync(join(dir, LAZY_LOG), 'utf8');
  } catch {
    return { faults: null, pages: null };
  }
  const faults = text.match(/#PF at /g)?.length ?? 0;
  let pages = 0;
  for (const m of text.matchAll(/UFFD transferred pages: \((\d+)\/\d+\)/g)) pages += Number(m[1]);
  return { faults, pages };
}

/** Waits until the daemon's supervisor has written its end (after stopLazyPages, before a retry reuses the PIDs). */
export async function awaitLazyEnd(dir: string, timeoutMs = 10_000): Promise<LazyStatus | null> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = lazyStatus(dir);
    if (s || Date.now() > until) return s;
    await new Promise((r) => setTimeout(r, 20));
  }
}
