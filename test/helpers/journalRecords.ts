// Why: one valid record of every kind the journal knows, typed by the writers' own input type
// (so a schema change breaks this file at compile time), and a way to stamp the base fields on
// them for readers' tests (summaries, the follow loop, the CLI and UI views).
import type { JournalRecord, RecordInput } from '../../shared/domain/journal';

const target = { release: '6.1.0-50-amd64', image: '/boot/vmlinuz-6.1.0-50-amd64' };
const oldKernel = { release: '6.1.0-47-amd64', image: '/boot/vmlinuz-6.1.0-47-amd64' };
const err = { code: 'CRIU_DUMP_FAILED', message: 'criu dump failed', evidence: 'Error (criu/cr-dump.c:1): …' };
const sel = 'unit:redis-server.service';

export const START: RecordInput = {
  phase: 'start',
  state: 'done',
  message: 'started',
  data: {
    journalVersion: 1,
    unit: 'seamless-upgrade-u-1.service',
    node: '/usr/bin/node',
    agent: '/var/lib/seamless/upgrades/u-1/agent.cjs',
    kernelBefore: '6.1.0-47-amd64',
    target,
    workloads: [sel],
    criuOptions: { [sel]: ['--tcp-established'] },
    warnings: [],
  },
};
export const kexecBegin = (back = false): RecordInput => ({
  phase: 'kexec',
  state: 'begin',
  message: back ? 'going back' : 'jumping',
  data: { kexecAtMs: 1_700_000_000_000, target: back ? oldKernel : target, mode: 'direct', back, heldUnits: ['redis-server.service'] },
});
export const report = (outcome: Extract<RecordInput, { phase: 'report' }>['data']['outcome']): RecordInput => ({
  phase: 'report',
  state: 'done',
  message: outcome,
  data: { outcome, report: null, blackoutMs: 4200, phases: [{ phase: 'checkpoint', durationMs: 1000, ok: true }] },
});
export const restoreEnd = (state: 'done' | 'failed'): RecordInput => ({
  phase: 'restore',
  state,
  message: `restore ${state}`,
  durationMs: 900,
  data: {
    restoredAtMs: 1_700_000_004_200,
    blackoutMs: 4200,
    restored: state === 'done' ? [sel] : [],
    failed: state === 'done' ? [] : [sel],
    sameBoot: false,
  },
  ...(state === 'failed' ? { error: { code: 'CRIU_RESTORE_FAILED', message: 'restore failed' } } : {}),
});

/** One of every record kind (and every restore/info step). */
export const SAMPLE_RECORDS: RecordInput[] = [
  START,
  { phase: 'start', state: 'failed', message: 'no', error: err },
  { phase: 'preflight', state: 'begin', message: 'checking' },
  { phase: 'preflight', state: 'done', message: 'ok', durationMs: 10, data: { workloads: [{ selector: sel, rootPid: 630, pids: 5 }] } },
  { phase: 'preflight', state: 'info', message: 'pid:77 no longer runs', data: { step: 'gone', selector: 'pid:77' } },
  { phase: 'preflight', state: 'failed', message: 'blocked', error: { code: 'PREFLIGHT_BLOCKED', message: 'blocked' } },
  { phase: 'prepare', state: 'begin', message: 'store' },
  {
    phase: 'prepare',
    state: 'done',
    message: 'ready',
    durationMs: 5,
    data: {
      store: { kind: 'pmem', device: '/dev/pmem0', mount: '/run/seamless/store', dax: true },
      storeDir: '/run/seamless/store/u-1',
      hook: '/etc/systemd/system/seamless-restore.service',
      note: null,
    },
  },
  { phase: 'prepare', state: 'info', message: 'no dax', data: { step: 'no-dax' } },
  { phase: 'prepare', state: 'failed', message: 'no', error: err },
  { phase: 'stage', state: 'begin', message: 'staging' },
  { phase: 'stage', state: 'done', message: 'staged', durationMs: 50, data: { syscall: 'kexec_file_load', cmdline: 'root=/dev/vda1' } },
  { phase: 'stage', state: 'info', message: 'segments', data: { step: 'segments-on-store', segments: '0x100000-0x200000' } },
  { phase: 'stage', state: 'failed', message: 'no', error: err },
  { phase: 'pre-dump', state: 'begin', message: 'pre-dump', data: { selector: sel } },
  { phase: 'pre-dump', state: 'done', message: 'pre-dumped', durationMs: 100, data: { selector: sel, roundBytes: [1024, 10] } },
  { phase: 'pre-dump', state: 'progress', message: '1 MiB', data: { what: sel, bytesDone: 1 << 20, bytesTotal: null } },
  { phase: 'pre-dump', state: 'skipped', message: 'not asked' },
  { phase: 'pre-dump', state: 'failed', message: 'no', error: err },
  { phase: 'pre-sync', state: 'begin', message: 'sync' },
  { phase: 'pre-sync', state: 'done', message: 'synced', durationMs: 3, data: {} },
  { phase: 'pre-sync', state: 'failed', message: 'no', error: err },
  { phase: 'checkpoint', state: 'begin', message: 'freeze' },
  {
    phase: 'checkpoint',
    state: 'done',
    message: 'dumped',
    durationMs: 700,
    data: {
      freezeAtMs: 1_700_000_000_000,
      bytesDumped: 1 << 24,
      criuMs: 600,
      manifestMs: 20,
      workloads: [{ selector: sel, rootPid: 630, processes: 5, bytesDumped: 1 << 24 }],
      netLock: true,
    },
  },
  { phase: 'checkpoint', state: 'progress', message: '2 MiB', data: { what: sel, bytesDone: 2 << 20, bytesTotal: 16 << 20 } },
  { phase: 'checkpoint', state: 'info', message: 'pid:78 exited by itself', data: { step: 'gone', selector: 'pid:78', rootPid: 78 } },
  {
    phase: 'checkpoint',
    state: 'info',
    message: 'criu dump of pid:79 failed; skipped',
    data: { step: 'skipped', selector: 'pid:79', rootPid: 79, service: false },
    error: err,
  },
  { phase: 'checkpoint', state: 'info', message: 'unkillable', data: { step: 'unkillable', pids: [80] } },
  {
    phase: 'checkpoint',
    state: 'info',
    message: '2 stopped together',
    data: { step: 'frozen-together', selectors: ['pid:77', 'pid:78'], tasks: 3 },
  },
  { phase: 'checkpoint', state: 'failed', message: 'no', durationMs: 10, error: err },
  kexecBegin(false),
  { phase: 'kexec', state: 'failed', message: 'no', error: { code: 'KEXEC_FAILED', message: 'kexec -e returned' } },
  {
    phase: 'boot',
    state: 'done',
    message: 'booted',
    durationMs: 30_000,
    data: { kernelAfter: '6.1.0-50-amd64', uptimeAtHookS: 3.2, cmdline: 'root=/dev/vda1' },
  },
  {
    phase: 'boot',
    state: 'done',
    message: 'booted the old kernel after a reset',
    data: { kernelAfter: '6.1.0-47-amd64', uptimeAtHookS: 3.2, cmdline: 'root=/dev/vda1', interrupted: true },
  },
  { phase: 'boot', state: 'failed', message: 'wrong kernel', error: { code: 'KEXEC_FAILED', message: 'booted the old kernel' } },
  { phase: 'restore', state: 'begin', message: 'restoring', data: { workloads: [sel], sameBoot: false } },
  { phase: 'restore', state: 'info', message: 'mounted', data: { step: 'store-mounted', dax: true, note: null } },
  { phase: 'restore', state: 'info', message: 'no store', data: { step: 'store-unavailable', device: '/dev/pmem0' }, error: err },
  { phase: 'restore', state: 'info', message: 'locked', data: { step: 'network-lock', tool: 'nft', code: 0, stderr: '' } },
  { phase: 'restore', state: 'info', message: 'addresses', data: { step: 'borrowed-addresses', added: ['10.0.2.15/24'], errors: [] } },
  { phase: 'restore', state: 'info', message: 'checked', data: { step: 'images-checked', selector: sel } },
  {
    phase: 'restore',
    state: 'info',
    message: 'rejected',
    data: { step: 'images-rejected', selector: sel },
    error: { code: 'MANIFEST_MISMATCH', message: 'x' },
  },
  { phase: 'restore', state: 'info', message: 'retry', data: { step: 'retry', selector: sel, options: ['--tcp-close'] } },
  {
    phase: 'restore',
    state: 'info',
    message: 'gave up',
    data: { step: 'gave-up', selector: sel, dir: '/run/seamless/store/u-1/unit-redis' },
  },
  {
    phase: 'restore',
    state: 'info',
    message: 'restored',
    data: { step: 'restored', selector: sel, rootPid: 630, pids: [630, 631], processes: 2, cgroup: null },
  },
  { phase: 'restore', state: 'info', message: 'locks', data: { step: 'leftover-locks', removed: ['seamless'] } },
  { phase: 'restore', state: 'progress', message: 'reading', data: { what: sel, bytesDone: 10, bytesTotal: 100 } },
  restoreEnd('done'),
  restoreEnd('failed'),
  { phase: 'release', state: 'info', message: 'verdicts', data: { adopt: ['redis-server.service'], cold: [], policy: 'kexec-back' } },
  {
    phase: 'release',
    state: 'done',
    message: 'released',
    durationMs: 40,
    data: { adopted: ['redis-server.service'], unmanaged: [], problems: [] },
  },
  {
    phase: 'release',
    state: 'failed',
    message: 'unmanaged',
    durationMs: 40,
    data: { adopted: [], unmanaged: ['redis-server.service'], problems: ['no MAINPID'] },
    error: { code: 'SYSTEMD_HANDBACK_FAILED', message: 'x' },
  },
  {
    phase: 'lazy-fill',
    state: 'info',
    message: 'filled',
    durationMs: 1200,
    data: { step: 'filled', selector: sel, ms: 1200, pages: 65536, faults: 310 },
  },
  {
    phase: 'lazy-fill',
    state: 'done',
    message: 'every page back',
    durationMs: 1300,
    data: { filled: [sel], failed: [], degradedMs: 1250, faults: 310 },
  },
  {
    phase: 'lazy-fill',
    state: 'failed',
    message: 'stopped',
    durationMs: 900,
    data: { filled: [], failed: [sel], degradedMs: null, faults: 12 },
    error: { code: 'LAZY_FILL_FAILED', message: 'criu lazy-pages exited with 137 before every page was back' },
  },
  { phase: 'rewarm', state: 'begin', message: 'rewarm' },
  { phase: 'rewarm', state: 'done', message: 'warm', durationMs: 100, data: { bytes: 1 << 20, files: 3 } },
  { phase: 'rewarm', state: 'failed', message: 'no', error: err },
  { phase: 'rewarm', state: 'skipped', message: 'the plan turns the rewarm off' },
  { phase: 'verify', state: 'skipped', message: 'no checks' },
  report('restored'),
  { phase: 'fallback', state: 'begin', message: 'falling back', data: { policy: 'kexec-back' } },
  {
    phase: 'fallback',
    state: 'done',
    message: 'aborted',
    data: {
      aborted: true,
      cause: 'checkpoint failed',
      undo: ['thawed', 'unloaded kexec'],
      thawed: { workloads: ['pid:79'], tasks: 3, afterMs: 4 },
    },
  },
  { phase: 'fallback', state: 'failed', message: 'no', error: err },
];

/** Records as a journal holds them: numbered from 1, a second apart, the kernel switching at the jump. */
export function stamped(inputs: readonly RecordInput[], t0 = 1_700_000_000_000): JournalRecord[] {
  let kernel = '6.1.0-47-amd64';
  return inputs.map((r, i) => {
    const rec = { ...r, seq: i + 1, at: new Date(t0 + i * 1000).toISOString(), atMs: t0 + i * 1000, kernel } as JournalRecord;
    if (r.phase === 'kexec' && r.state === 'begin') kernel = r.data.target.release ?? kernel;
    return rec;
  });
}
