// Why: the journal is the one contract every reader of an upgrade builds on (CLI, app, report,
// estimate history, Ansible). Each record is one kind, named by its phase and state, with the
// data that kind carries and nothing else: a writer cannot drift from its readers without a type
// error, and a reader never guesses at an untyped bag. The base fields are the same for all.
//
// Readers must survive writers newer than themselves (Cockpit's rule: ignore what you do not
// know instead of failing): an error code this build does not know is kept as written, and a
// line that has the base fields but no kind this build knows is kept as an `unrecognized`
// record with its message, never dropped.
import * as z from '../zod';
import { ERROR_CODES, type ErrorCode } from '../errors';
import { selectorSchema } from '../plan/plan';
import { mountedStoreSchema } from './upgradeFiles';
import { estimateSchema } from '../estimate/estimate';

/** Bumped when a record kind changes incompatibly; written into the `start` record. */
export const JOURNAL_VERSION = 1;

export const UPGRADE_PHASES = [
  'start',
  'preflight',
  'prepare',
  'stage',
  'pre-dump',
  'pre-sync',
  'checkpoint',
  'kexec',
  'boot',
  'restore',
  'lazy-fill',
  'release',
  'rewarm',
  'verify',
  'report',
  'fallback',
] as const;
export type UpgradePhase = (typeof UPGRADE_PHASES)[number];

/**
 * How an upgrade ended, decided once on the host and shown as this word everywhere.
 * restored: every workload runs again on the new kernel, services back under systemd.
 * restored-unmanaged: every workload runs again, but systemd did not take a service back.
 * rolled-back: everything was restored on the old kernel: after a restore that failed on the new
 *   one (the jump back), or after a reset or a new kernel that did not come up (an ordinary boot).
 * cold-started: a workload could not be restored; its service was started cold (images kept).
 * aborted: stopped before the jump; nothing was kexeced, the workloads keep running.
 * failed: the upgrade stopped where no fallback applied; the journal says where.
 */
export const OUTCOMES = ['restored', 'restored-unmanaged', 'rolled-back', 'cold-started', 'lost', 'aborted', 'failed'] as const;
export const outcomeSchema = z.enum(OUTCOMES);
export type Outcome = z.infer<typeof outcomeSchema>;
/** The one outcome that means "nothing was lost and nothing needs a hand": the CLI exits 0 only for it. */
export const isSuccess = (o: Outcome | null): boolean => o === 'restored';

/** An error as recorded: the code is kept even when this build does not know it. */
export const recordedErrorSchema = z.object({
  code: z.string().check(z.minLength(1)),
  message: z.string(),
  evidence: z.optional(z.string()),
  details: z.optional(z.unknown()),
});
export type RecordedError = z.infer<typeof recordedErrorSchema>;
const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);
export const isKnownErrorCode = (code: string): code is ErrorCode => KNOWN_CODES.has(code);

const base = {
  /** 1, 2, 3 … within one upgrade, across both boots. */
  seq: z.number().check(z.int(), z.positive()),
  /** ISO time of the host's clock. */
  at: z.string(),
  /** Milliseconds since the epoch (the same instant as `at`, for arithmetic). */
  atMs: z.number(),
  /** The kernel release that wrote the record. */
  kernel: z.string(),
  message: z.string(),
};
const nonneg = () => z.number().check(z.nonnegative());
const count = () => z.number().check(z.int(), z.nonnegative());
const pid = () => z.number().check(z.int(), z.positive());

/** A step that has begun and will end with done or failed (durations measured between them). */
const begin = <P extends UpgradePhase>(phase: P) => z.object({ ...base, phase: z.literal(phase), state: z.literal('begin') });
/** A step that failed: how long it ran and why. */
const failed = <P extends UpgradePhase>(phase: P) =>
  z.object({ ...base, phase: z.literal(phase), state: z.literal('failed'), durationMs: z.optional(nonneg()), error: recordedErrorSchema });
/** A plain done with only its duration. */
const doneWith = <P extends UpgradePhase, D extends z.ZodMiniType>(phase: P, data: D) =>
  z.object({ ...base, phase: z.literal(phase), state: z.literal('done'), durationMs: nonneg(), data });
const skipped = <P extends UpgradePhase>(phase: P) => z.object({ ...base, phase: z.literal(phase), state: z.literal('skipped') });
/** Bytes moved so far by a running step (journaled about once a second). */
const progress = <P extends UpgradePhase>(phase: P) =>
  z.object({
    ...base,
    phase: z.literal(phase),
    state: z.literal('progress'),
    data: z.object({ what: z.string(), bytesDone: nonneg(), bytesTotal: z.nullable(nonneg()) }),
  });
const info = <P extends UpgradePhase, D extends z.ZodMiniType>(phase: P, data: D) =>
  z.object({
    ...base,
    phase: z.literal(phase),
    state: z.literal('info'),
    durationMs: z.optional(nonneg()),
    data,
    error: z.optional(recordedErrorSchema),
  });

/** The kernel an upgrade goes to (or back to): what the kexec record names. */
export const targetKernelSchema = z.object({ release: z.nullable(z.string()), image: z.string() });
export type TargetKernel = z.infer<typeof targetKernelSchema>;

/** The store as mounted: the same shape state.json keeps. */
const storeSchema = mountedStoreSchema;

const dumpedWorkloadSchema = z.object({
  selector: selectorSchema,
  rootPid: pid(),
  processes: count(),
  bytesDumped: nonneg(),
  /** Its final dump alone (for a container: the runtime's whole checkpoint), absent in older journals. */
  dumpMs: z.optional(nonneg()),
});

/** restore/info records say which step of the restore they report. */
const restoreInfoData = z.discriminatedUnion('step', [
  z.object({
    step: z.literal('store-mounted'),
    dax: z.boolean(),
    note: z.nullable(z.string()),
    /** Waiting for the pmem device (its drivers loaded by the hook's command, or here), then the mount (absent in older journals). */
    deviceMs: z.optional(nonneg()),
    mountMs: z.optional(nonneg()),
  }),
  /** The store could not be mounted on this boot: every workload is given up (images kept), the error says why. */
  z.object({ step: z.literal('store-unavailable'), device: z.string() }),
  z.object({ step: z.literal('network-lock'), tool: z.string(), code: z.number().check(z.int()), stderr: z.string() }),
  z.object({ step: z.literal('borrowed-addresses'), added: z.array(z.string()), errors: z.array(z.string()) }),
  /**
   * The images matched their manifest. The record's durationMs is what the check added to the
   * blackout (the page images are hashed while CRIU reads them); hashMs the hashing itself
   * (the three figures absent in older journals).
   */
  z.object({
    step: z.literal('images-checked'),
    selector: selectorSchema,
    algorithm: z.optional(z.string()),
    bytes: z.optional(nonneg()),
    hashMs: z.optional(nonneg()),
  }),
  z.object({ step: z.literal('images-rejected'), selector: selectorSchema }),
  z.object({ step: z.literal('retry'), selector: selectorSchema, options: z.array(z.string()) }),
  z.object({ step: z.literal('gave-up'), selector: selectorSchema, dir: z.string() }),
  z.object({
    step: z.literal('restored'),
    selector: selectorSchema,
    rootPid: pid(),
    pids: z.array(pid()),
    processes: count(),
    cgroup: z.nullable(z.string()),
    /** Restored lazily: it runs, and takes its pages on demand until the lazy fill ends (absent: eager). */
    lazy: z.optional(z.boolean()),
    /** Lazily, after a pre-dump round: the bytes restored before it ran (the daemon serves the rest; absent: not counted here). */
    eagerBytes: z.optional(count()),
    /**
     * Lazily: where the time until it ran went, after the metadata check (absent in older journals):
     * the views' page maps written, the wait for the daemon's start left after them (it starts
     * beside the check and the views), `criu restore`.
     */
    lazySteps: z.optional(z.object({ viewsMs: nonneg(), daemonMs: nonneg(), criuMs: nonneg() })),
  }),
  z.object({ step: z.literal('leftover-locks'), removed: z.array(z.string()) }),
  /** A container whose restore failed, started cold by its runtime as its restart policy says (or left stopped: started false). */
  z.object({ step: z.literal('cold-started'), selector: selectorSchema, started: z.boolean(), rootPid: z.nullable(pid()) }),
]);

const phaseRecordSchema = z.discriminatedUnion('phase', [
  // start: the plan was accepted (after preflight on the host) and the run unit started.
  z.discriminatedUnion('state', [
    z.object({
      ...base,
      phase: z.literal('start'),
      state: z.literal('done'),
      data: z.object({
        journalVersion: z.number().check(z.int(), z.positive()),
        unit: z.string(),
        node: z.string(),
        agent: z.string(),
        kernelBefore: z.string(),
        target: targetKernelSchema,
        workloads: z.array(selectorSchema),
        criuOptions: z.record(z.string(), z.array(z.string())),
        warnings: z.array(z.string()),
        /** The estimate promised at the start (absent in journals written before it existed). */
        estimate: z.optional(estimateSchema),
      }),
    }),
    failed('start'),
  ]),
  z.discriminatedUnion('state', [
    begin('preflight'),
    doneWith('preflight', z.object({ workloads: z.array(z.object({ selector: selectorSchema, rootPid: pid(), pids: count() })) })),
    /** A selected workload that no longer runs: nothing to carry; the upgrade goes on without it. */
    info('preflight', z.object({ step: z.literal('gone'), selector: selectorSchema })),
    failed('preflight'),
  ]),
  z.discriminatedUnion('state', [
    begin('prepare'),
    doneWith('prepare', z.object({ store: storeSchema, storeDir: z.string(), hook: z.string(), note: z.nullable(z.string()) })),
    info('prepare', z.object({ step: z.literal('no-dax') })),
    failed('prepare'),
  ]),
  z.discriminatedUnion('state', [
    begin('stage'),
    doneWith(
      'stage',
      z.object({
        syscall: z.enum(['kexec_load', 'kexec_file_load']),
        cmdline: z.string(),
        segments: z.optional(z.string()),
        store: z.optional(z.string()),
        constrained: z.optional(z.nullable(z.string())),
        /** Where a failed restore would go back to, or why it cannot. */
        back: z.optional(z.string()),
      }),
    ),
    info('stage', z.object({ step: z.literal('segments-on-store'), segments: z.string() })),
    failed('stage'),
  ]),
  z.discriminatedUnion('state', [
    z.object({ ...base, phase: z.literal('pre-dump'), state: z.literal('begin'), data: z.object({ selector: selectorSchema }) }),
    doneWith(
      'pre-dump',
      z.object({
        selector: selectorSchema,
        roundBytes: z.array(nonneg()),
        /** Per round: how long its manifest's hash went on after CRIU had written it (absent in older journals). */
        hashedAfterMs: z.optional(z.array(nonneg())),
      }),
    ),
    progress('pre-dump'),
    skipped('pre-dump'),
    failed('pre-dump'),
  ]),
  z.discriminatedUnion('state', [begin('pre-sync'), doneWith('pre-sync', z.object({})), failed('pre-sync')]),
  z.discriminatedUnion('state', [
    begin('checkpoint'),
    doneWith(
      'checkpoint',
      z.object({
        freezeAtMs: z.number(),
        /** Dirty + Writeback page cache (/proc/meminfo) when the freeze began (absent in older journals). */
        dirtyBytesAtFreeze: z.optional(nonneg()),
        bytesDumped: nonneg(),
        /** Summed over the workloads: with dumps side by side the sums exceed the phase's wall time. */
        criuMs: nonneg(),
        manifestMs: nonneg(),
        /** Killing the workloads left stopped by their dumps, once all had succeeded (absent in older journals). */
        commitMs: z.optional(nonneg()),
        /** syncfs of the store after the last dump (absent in older journals). */
        syncMs: z.optional(nonneg()),
        workloads: z.array(dumpedWorkloadSchema),
        netLock: z.boolean(),
      }),
    ),
    progress('checkpoint'),
    /** A workload whose processes exited by themselves before CRIU could dump them: nothing to carry. */
    info(
      'checkpoint',
      z.discriminatedUnion('step', [
        z.object({ step: z.literal('gone'), selector: selectorSchema, rootPid: pid() }),
        /** The workloads dumped side by side, stopped together (SIGSTOP) before the first dump. */
        z.object({ step: z.literal('frozen-together'), selectors: z.array(selectorSchema), tasks: count() }),
        /** Its dump failed and the plan says skip: it runs on until the jump and is not carried. */
        z.object({ step: z.literal('skipped'), selector: selectorSchema, rootPid: pid(), service: z.boolean() }),
        /** Tasks that outlived SIGKILL after their dump (uninterruptible sleep); the jump ends them. */
        z.object({ step: z.literal('unkillable'), pids: z.array(pid()) }),
        /** docker: the container's restart policy set to no from its checkpoint until its restore. */
        z.object({ step: z.literal('restart-policy-held'), selector: selectorSchema, policy: z.string() }),
        /** Carried TCP connections whose peer negotiates no window scaling: their images rewritten to say so (agent/criu/tcpStreamImage.ts). */
        z.object({ step: z.literal('tcp-window-scale'), selector: selectorSchema, images: z.array(z.string()) }),
      ]),
    ),
    failed('checkpoint'),
  ]),
  z.discriminatedUnion('state', [
    z.object({
      ...base,
      phase: z.literal('kexec'),
      state: z.literal('begin'),
      data: z.object({
        kexecAtMs: z.number(),
        /** The kernel this jump goes to. */
        target: targetKernelSchema,
        mode: z.enum(['direct', 'systemctl']),
        /** true for the jump back to the old kernel after a failed restore (policy kexec-back). */
        back: z.boolean(),
        heldUnits: z.array(z.string()),
      }),
    }),
    failed('kexec'),
  ]),
  z.discriminatedUnion('state', [
    z.object({
      ...base,
      phase: z.literal('boot'),
      state: z.literal('done'),
      durationMs: z.optional(nonneg()),
      data: z.object({
        kernelAfter: z.string(),
        uptimeAtHookS: nonneg(),
        /** When PID 1 started, in seconds of uptime: the kernel's own boot (absent in older journals). */
        initStartS: z.optional(nonneg()),
        cmdline: z.string(),
        /** An ordinary boot after a reset or a new kernel that did not come up: the workloads go back onto this (old) kernel. */
        interrupted: z.optional(z.boolean()),
      }),
    }),
    failed('boot'),
  ]),
  z.discriminatedUnion('state', [
    z.object({
      ...base,
      phase: z.literal('restore'),
      state: z.literal('begin'),
      data: z.object({ workloads: z.array(selectorSchema), sameBoot: z.boolean() }),
    }),
    info('restore', restoreInfoData),
    progress('restore'),
    z.object({
      ...base,
      phase: z.literal('restore'),
      state: z.enum(['done', 'failed']),
      durationMs: nonneg(),
      data: z.object({
        restoredAtMs: z.number(),
        /** Freeze (start of the final dump) to the last workload restored, across the kexec. */
        blackoutMs: z.nullable(nonneg()),
        restored: z.array(selectorSchema),
        failed: z.array(selectorSchema),
        sameBoot: z.boolean(),
      }),
      error: z.optional(recordedErrorSchema),
    }),
  ]),
  z.discriminatedUnion('state', [
    /** The verdict for each held unit: adopt the restored process, or start cold. */
    info('release', z.object({ adopt: z.array(z.string()), cold: z.array(z.string()), policy: z.enum(['kexec-back', 'cold-start']) })),
    z.object({
      ...base,
      phase: z.literal('release'),
      state: z.enum(['done', 'failed']),
      durationMs: nonneg(),
      data: z.object({ adopted: z.array(z.string()), unmanaged: z.array(z.string()), problems: z.array(z.string()) }),
      error: z.optional(recordedErrorSchema),
    }),
  ]),
  z.discriminatedUnion('state', [
    /**
     * One lazily restored tree: every page back (filled), or stopped because its fill could not
     * finish or its page images failed their check (fill-failed, the error says which). ms: from
     * the tree running again to its last page; faults: the pages it waited for meanwhile;
     * eagerBytes: what CRIU restored before the tree ran (its page images less the pages the
     * lazy-pages daemon served: shared memory and whatever else lazy restore cannot serve).
     */
    info(
      'lazy-fill',
      z.object({
        step: z.enum(['filled', 'fill-failed']),
        selector: selectorSchema,
        ms: z.nullable(nonneg()),
        pages: z.nullable(count()),
        faults: z.nullable(count()),
        eagerBytes: z.optional(z.nullable(nonneg())),
      }),
    ),
    /** Every lazy tree ended: degradedMs from the first running again to the last page back. */
    z.object({
      ...base,
      phase: z.literal('lazy-fill'),
      state: z.enum(['done', 'failed']),
      durationMs: nonneg(),
      data: z.object({
        filled: z.array(selectorSchema),
        failed: z.array(selectorSchema),
        degradedMs: z.nullable(nonneg()),
        faults: count(),
        /** Summed over the filled trees (absent in older journals). */
        eagerBytes: z.optional(z.nullable(nonneg())),
      }),
      error: z.optional(recordedErrorSchema),
    }),
  ]),
  z.discriminatedUnion('state', [
    begin('rewarm'),
    doneWith('rewarm', z.object({ bytes: nonneg(), files: count() })),
    skipped('rewarm'),
    failed('rewarm'),
  ]),
  z.discriminatedUnion('state', [skipped('verify')]),
  z.discriminatedUnion('state', [
    /** The end of every upgrade that got past its start: the outcome, decided here once. */
    z.object({
      ...base,
      phase: z.literal('report'),
      state: z.literal('done'),
      data: z.object({
        outcome: outcomeSchema,
        /** Where the report file is, or null when there is none (an abort before the jump). */
        report: z.nullable(z.string()),
        blackoutMs: z.nullable(nonneg()),
        /** Every phase's measured duration, in journal order. */
        phases: z.array(z.object({ phase: z.enum(UPGRADE_PHASES), durationMs: nonneg(), ok: z.boolean() })),
      }),
    }),
  ]),
  z.discriminatedUnion('state', [
    z.object({
      ...base,
      phase: z.literal('fallback'),
      state: z.literal('begin'),
      data: z.object({ policy: z.enum(['kexec-back', 'cold-start']) }),
    }),
    z.object({
      ...base,
      phase: z.literal('fallback'),
      state: z.literal('done'),
      data: z.object({
        /** true: stopped before the jump, nothing kexeced. */
        aborted: z.boolean(),
        cause: z.string(),
        undo: z.array(z.string()),
        /** Dumped workloads left stopped, continued by the abort: how many tasks, and when, from the failure (absent in older journals). */
        thawed: z.optional(z.object({ workloads: z.array(selectorSchema), tasks: count(), afterMs: nonneg() })),
      }),
      error: z.optional(recordedErrorSchema),
    }),
    failed('fallback'),
  ]),
]);

/** A line with the base fields whose kind this build does not know (a newer writer): kept, shown by its message. */
export const unrecognizedRecordSchema = z.object({
  ...base,
  phase: z.literal('unrecognized'),
  state: z.literal('info'),
  /** The phase and state the writer used. */
  written: z.object({ phase: z.string(), state: z.string() }),
});

export const journalRecordSchema = z.union([phaseRecordSchema, unrecognizedRecordSchema]);
export type JournalRecord = z.infer<typeof journalRecordSchema>;
export type KnownRecord = z.infer<typeof phaseRecordSchema>;
export type RecordOf<P extends UpgradePhase, S extends string = string> = Extract<KnownRecord, { phase: P; state: S }>;

/** What a writer passes: a record without the base fields the journal fills in. */
type Omitted = 'seq' | 'at' | 'atMs' | 'kernel';
export type RecordInput = KnownRecord extends infer R ? (R extends KnownRecord ? Omit<R, Omitted> : never) : never;

const envelopeSchema = z.object({ ...base, phase: z.string(), state: z.string() });

/** One journal line → a record; null only for a line that is not even a record (torn, not JSON). */
export function parseJournalLine(line: string): JournalRecord | null {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return null; // a torn last line (power cut mid-write)
  }
  const typed = phaseRecordSchema.safeParse(json);
  if (typed.success) return typed.data;
  const env = envelopeSchema.safeParse(json);
  if (!env.success) return null;
  const { seq, at, atMs, kernel, message, phase, state } = env.data;
  return { seq, at, atMs, kernel, message, phase: 'unrecognized', state: 'info', written: { phase, state } };
}

/** Every record of a journal file's text, in order. */
export function parseJournal(text: string): JournalRecord[] {
  const out: JournalRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const r = parseJournalLine(line);
    if (r) out.push(r);
  }
  return out;
}

/** The target kernel as a reader shows it: from the last kexec record, else the start record. */
export function targetKernelOf(records: readonly JournalRecord[]): TargetKernel | null {
  for (let i = records.length - 1; i >= 0; i--) {
    const r = records[i]!;
    if (r.phase === 'kexec' && r.state === 'begin') return r.data.target;
  }
  const start = records.find((r): r is RecordOf<'start', 'done'> => r.phase === 'start' && r.state === 'done');
  return start ? start.data.target : null;
}

export const kernelName = (k: TargetKernel): string => k.release ?? k.image;

/** The error a record carries, if any (failed steps, and info records that report one). */
export function errorOf(r: JournalRecord): RecordedError | null {
  return 'error' in r && r.error ? r.error : null;
}

/** The measured duration a record carries, if any. */
export function durationOf(r: JournalRecord): number | undefined {
  return 'durationMs' in r ? r.durationMs : undefined;
}
