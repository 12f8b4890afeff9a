// Why: the admin must know, before pressing go, how long each workload will be gone, and why.
// `estimate()` is pure: from the plan, the host's facts, the inventory, the host's calibration,
// its history and (after a dry run) what was measured of the workloads, it gives every phase a
// range and the inputs it used, each tagged with where it came from. Ranges add up phase by
// phase and widen with every default (range.ts), so a promise is never tighter than its basis.
import * as z from '../zod';
import type { HostFacts } from '../domain/hostFacts';
import type { Inventory, Workload } from '../domain/inventory';
import type { Plan } from '../plan/plan';
import { preDumpPays } from '../plan/preDumpPolicy';
import { selectorSchema } from '../plan/plan';
import { resolveSelection } from '../plan/resolveSelection';
import type { Calibration, WorkloadTrial } from './calibration';
import { DEFAULTS } from './defaults';
import type { HistoryEntry } from './history';
import { SOURCES, spread, type Source } from './range';

export const ESTIMATE_VERSION = 1;

/** The phases as the admin thinks of them; `inBlackout` ones add up to the blackout. */
export const ESTIMATE_PHASES = [
  'pre-dump',
  'freeze-dump',
  'kexec-jump',
  'kernel-boot',
  'userspace-to-hook',
  'image-check',
  'restore',
  'lazy-fill',
  'hand-back',
  'rewarm',
] as const;
export type EstimatePhase = (typeof ESTIMATE_PHASES)[number];
const BLACKOUT: ReadonlySet<EstimatePhase> = new Set([
  'freeze-dump',
  'kexec-jump',
  'kernel-boot',
  'userspace-to-hook',
  'image-check',
  'restore',
]);

const nonneg = () => z.number().check(z.nonnegative());
const rangeSchema = z.object({ lowMs: nonneg(), midMs: nonneg(), highMs: nonneg() });
export type Range = z.infer<typeof rangeSchema>;

export const estimateInputSchema = z.object({
  name: z.string(),
  value: z.number(),
  unit: z.string(),
  source: z.enum(SOURCES),
});
export type EstimateInput = z.infer<typeof estimateInputSchema>;

export const phaseEstimateSchema = z.object({
  phase: z.enum(ESTIMATE_PHASES),
  ...rangeSchema.shape,
  inBlackout: z.boolean(),
  inputs: z.array(estimateInputSchema),
  /** How the inputs were combined, in words and arithmetic. */
  how: z.string(),
});
export type PhaseEstimate = z.infer<typeof phaseEstimateSchema>;

export const estimateSchema = z.object({
  version: z.literal(ESTIMATE_VERSION),
  phases: z.array(phaseEstimateSchema),
  /** Freeze → every workload restored. */
  blackout: rangeSchema,
  /** Freeze → the host answers SSH again. */
  untilSsh: rangeSchema,
  /** Bytes of memory to carry, in all. */
  bytes: nonneg(),
  workloads: z.array(
    z.object({
      selector: selectorSchema,
      bytes: nonneg(),
      processes: z.number().check(z.int(), z.nonnegative()),
      rssBytes: nonneg(),
      bytesSource: z.enum(SOURCES),
    }),
  ),
  /** Inputs that were defaults, not measurements: each widened its phase's range. */
  defaults: z.array(z.string()),
});
export type Estimate = z.infer<typeof estimateSchema>;

/** One term of a phase: a duration with the inputs it came from (its range follows the weakest). */
interface Term {
  ms: number;
  inputs: EstimateInput[];
  /** Its own range around `ms` (from the spread seen over earlier runs), instead of its inputs'. */
  spread?: { low: number; high: number };
}

const input = (name: string, value: number, unit: string, source: Source): EstimateInput => ({ name, value, unit, source });
const mb = (bytesPerS: number) => Math.round(bytesPerS / 1e4) / 100;
const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;

function phase(name: EstimatePhase, terms: Term[], how: string): PhaseEstimate {
  let lowMs = 0;
  let midMs = 0;
  let highMs = 0;
  const inputs: EstimateInput[] = [];
  for (const t of terms) {
    const s = t.spread ?? spread(t.inputs.map((i) => i.source));
    lowMs += t.ms * s.low;
    midMs += t.ms;
    highMs += t.ms * s.high;
    for (const i of t.inputs) if (!inputs.some((x) => x.name === i.name)) inputs.push(i);
  }
  const r = (v: number) => Math.round(v);
  return { phase: name, lowMs: r(lowMs), midMs: r(midMs), highMs: r(highMs), inBlackout: BLACKOUT.has(name), inputs, how };
}

function sum(phases: PhaseEstimate[]): Range {
  return phases.reduce((a, p) => ({ lowMs: a.lowMs + p.lowMs, midMs: a.midMs + p.midMs, highMs: a.highMs + p.highMs }), {
    lowMs: 0,
    midMs: 0,
    highMs: 0,
  });
}

/** The most recent history entry that has `key` measured. */
/**
 * The mean of the last few runs that measured `key`, with a range that holds every one of them
 * (and a margin): one run's figure varies (a boot more than most), and the promise must too.
 */
function fromHistory(
  history: readonly HistoryEntry[],
  key: keyof HistoryEntry,
): { value: number; runs: number; spread: { low: number; high: number } } | null {
  const values: number[] = [];
  for (let i = history.length - 1; i >= 0 && values.length < HISTORY_RUNS; i--) {
    const v = history[i]![key];
    if (typeof v === 'number') values.push(v);
  }
  if (!values.length) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const seen = spread(['history']);
  const low = mean > 0 ? Math.min(seen.low, (Math.min(...values) / mean) * 0.9) : seen.low;
  const high = mean > 0 ? Math.max(seen.high, (Math.max(...values) / mean) * 1.1) : seen.high;
  return { value: mean, runs: values.length, spread: { low, high } };
}
const HISTORY_RUNS = 5;

interface Carried {
  selector: string;
  workload: Workload;
  processes: number;
  mappings: number;
  fds: number;
  bytes: number;
  bytesSource: Source;
  trial: WorkloadTrial | null;
}

function carried(plan: Plan, inventory: Inventory, trials: readonly WorkloadTrial[]): Carried[] {
  const procs = new Map(inventory.processes.map((p) => [p.pid, p]));
  return resolveSelection(plan.workloads, inventory).found.map(({ selector, workload }) => {
    const trial = trials.find((t) => t.selector === selector) ?? null;
    const members = workload.pids.map((pid) => procs.get(pid));
    const m = workload.memory;
    // CRIU dumps private anonymous and shared memory (and what is swapped out), not clean file pages.
    const footprint = m.anonBytes + m.shmemBytes + m.swapBytes;
    return {
      selector,
      workload,
      processes: trial?.processes ?? workload.pids.length,
      mappings: trial?.mappings ?? members.reduce((s, p) => s + (p?.mappings ?? 0), 0),
      fds: trial?.fds ?? members.reduce((s, p) => s + (p?.openFds ?? 0), 0),
      bytes: trial ? Math.max(trial.preDumpBytes, trial.trialDump?.bytes ?? 0) : footprint,
      bytesSource: trial ? 'dry-run' : 'inventory',
      trial,
    };
  });
}

/** Mappings and file descriptors: each is dumped, and restored (files reopened), at a fixed cost. */
const objectsMs = (w: Carried, cpu: number) => (w.mappings * DEFAULTS.perMappingMs + w.fds * DEFAULTS.perFdMs) * cpu;
function objectInputs(w: Carried): EstimateInput[] {
  const src: Source = w.trial ? 'dry-run' : 'inventory';
  return [
    input(`processes in ${w.selector}`, w.processes, '', src),
    input(`mappings in ${w.selector}`, w.mappings, '', src),
    input(`open files in ${w.selector}`, w.fds, '', src),
  ];
}

export function estimate(
  plan: Plan,
  facts: HostFacts,
  inventory: Inventory,
  calibration: Calibration | null,
  history: readonly HistoryEntry[],
  trials: readonly WorkloadTrial[] = [],
): Estimate {
  const ws = carried(plan, inventory, trials);
  const totalBytes = ws.reduce((s, w) => s + w.bytes, 0);
  const bytesIn = (w: Carried) => input(`memory of ${w.selector}`, mib(w.bytes), 'MiB', w.bytesSource);
  // restoreMode lazy: a tree runs as soon as its metadata is back; CRIU still copies its shared
  // memory (shmem, shared anonymous) before it runs, and after a pre-dump round what changed since
  // (the daemon serves the round's pages); the rest comes back after the blackout.
  const lazy = (w: Carried) => plan.options.restoreMode === 'lazy' && !isContainer(w);
  const eagerBytes = (w: Carried) =>
    lazy(w) ? Math.min(w.bytes, w.workload.memory.shmemBytes + (preDumped(w) ? leftAtFreeze(w).bytes : 0)) : w.bytes;
  const eagerIn = (w: Carried) =>
    lazy(w)
      ? input(
          `shared memory of ${w.selector}${preDumped(w) ? ' and what it changes after its pre-dump round' : ''}, restored eagerly (lazy restore cannot serve it)`,
          mib(eagerBytes(w)),
          'MiB',
          'inventory',
        )
      : bytesIn(w);

  const storeWrite = calibration?.store.writeBytesPerS
    ? input('store write bandwidth', mb(calibration.store.writeBytesPerS), 'MB/s', 'measured')
    : input('store write bandwidth', mb(DEFAULTS.storeWriteBytesPerS), 'MB/s', 'default');
  const storeRead = calibration?.store.readBytesPerS
    ? input('store read bandwidth', mb(calibration.store.readBytesPerS), 'MB/s', 'measured')
    : input('store read bandwidth', mb(DEFAULTS.storeReadBytesPerS), 'MB/s', 'default');
  const hash = calibration?.hashBytesPerS
    ? input('sha256 rate', mb(calibration.hashBytesPerS), 'MB/s', 'measured')
    : input('sha256 rate', mb(DEFAULTS.hashBytesPerS), 'MB/s', 'default');
  // The image check's own digest (the fastest on the host, see agent/upgrade/imageDigest.ts).
  const digest = calibration?.digest
    ? input(`image digest rate (${calibration.digest.algorithm})`, mb(calibration.digest.bytesPerS), 'MB/s', 'measured')
    : hash;
  const flush = calibration?.flush.bytesPerS
    ? input('disk flush bandwidth', mb(calibration.flush.bytesPerS), 'MB/s', 'measured')
    : input('disk flush bandwidth', mb(DEFAULTS.flushBytesPerS), 'MB/s', 'default');
  const perS = (i: EstimateInput) => i.value * 1e6;
  // CPU-bound fixed costs scale with how much slower this host hashes than the reference CPU.
  const cpu = calibration?.hashBytesPerS
    ? input(
        'CPU slowdown vs the reference (sha256 rates)',
        Math.round(
          Math.min(DEFAULTS.cpuFactorMax, Math.max(DEFAULTS.cpuFactorMin, DEFAULTS.referenceHashBytesPerS / calibration.hashBytesPerS)) *
            100,
        ) / 100,
        '×',
        'measured',
      )
    : input('CPU slowdown vs the reference', 1, '×', 'default');
  const dumpShare = input('CRIU dump share of store write', DEFAULTS.dumpShareOfStoreWrite, '×', 'default');
  const restoreShare = input('CRIU restore share of store read', DEFAULTS.restoreShareOfStoreRead, '×', 'default');
  const isContainer = (w: Carried) => w.workload.kind === 'container';
  // Trees are dumped and restored side by side, one CRIU run per CPU (at most 8): their CPU-bound
  // costs overlap; the bytes share the store's bandwidth, and containers go one by one.
  const trees = ws.filter((w) => !isContainer(w)).length;
  const lanes = input('CRIU runs side by side', Math.max(1, Math.min(facts.cpus, 8, trees)), '', 'measured');
  const oneLane = input('CRIU runs side by side', 1, '', 'plan');
  const lanesOf = (w: (typeof ws)[number]) => (isContainer(w) ? oneLane : lanes);

  // pre-dump: one full copy of each workload's memory while it runs (the dry run timed it).
  // (A container is checkpointed by its runtime in one go: no pre-dump rounds.)
  /** A container runtime's fixed cost, given for the reference CPU (a default, scaled by this host's CPU). */
  const runtimeSteps = (what: string, referenceMs: number): Term => ({
    ms: referenceMs * cpu.value,
    inputs: [input(`${what} (reference CPU)`, referenceMs, 'ms', 'default'), cpu],
  });
  // Pre-dumped: trees large enough for the rounds to pay (shared/plan/preDumpPolicy.ts).
  const preDumped = (w: Carried) => plan.options.preDump && !isContainer(w) && preDumpPays(w.bytes);
  /** What is left to copy at the freeze: everything, or after pre-dump rounds what changed since the last. */
  const leftAtFreeze = (w: Carried): { bytes: number; inputs: EstimateInput[] } => {
    if (!preDumped(w)) return { bytes: w.bytes, inputs: [bytesIn(w)] };
    const rate = w.trial?.dirtyBytesPerS;
    const window = (w.trial?.preDumpMs ?? 1000) / 1000;
    if (rate !== null && rate !== undefined)
      return {
        bytes: Math.min(w.bytes, rate * window),
        inputs: [bytesIn(w), input(`dirty rate of ${w.selector}`, mb(rate), 'MB/s', 'dry-run')],
      };
    return {
      bytes: w.bytes * DEFAULTS.dirtyShareAtFreeze,
      inputs: [bytesIn(w), input('share dirtied after the last pre-dump', DEFAULTS.dirtyShareAtFreeze, '×', 'default')],
    };
  };
  const preDumpTerms: Term[] = plan.options.preDump
    ? ws.filter(preDumped).map((w) =>
        w.trial
          ? { ms: w.trial.preDumpMs, inputs: [input(`pre-dump round of ${w.selector}`, w.trial.preDumpMs, 'ms', 'dry-run')] }
          : {
              ms: DEFAULTS.dumpBaseMs * cpu.value + (w.bytes / (perS(storeWrite) * dumpShare.value)) * 1000,
              inputs: [bytesIn(w), storeWrite, dumpShare],
            },
      )
    : [];

  // freeze + dump: what is left to copy at the freeze (everything without pre-dump), per-process
  // costs, and hashing those final images into the manifest.
  const freezeTerms: Term[] = [];
  let finalBytes = 0;
  for (const w of ws) {
    // The trial dump was made the way the real one will be (after pre-dump rounds when the plan has them).
    if (w.trial?.trialDump) {
      freezeTerms.push({
        ms: w.trial.trialDump.freezeMs,
        inputs: [input(`trial dump of ${w.selector}`, w.trial.trialDump.freezeMs, 'ms', 'dry-run')],
      });
      finalBytes += w.trial.trialDump.bytes;
      continue;
    }
    const { bytes: left, inputs: leftInputs } = leftAtFreeze(w);
    if (isContainer(w))
      freezeTerms.push(
        runtimeSteps(`${w.workload.runtime ?? 'runtime'} checkpoint's own steps for ${w.selector}`, DEFAULTS.containerCheckpointMs),
      );
    finalBytes += left;
    freezeTerms.push({
      ms: ((DEFAULTS.dumpBaseMs + w.processes * DEFAULTS.dumpPerProcessMs) * cpu.value + objectsMs(w, cpu.value)) / lanesOf(w).value,
      inputs: [...objectInputs(w), input('criu dump fixed cost (reference CPU)', DEFAULTS.dumpBaseMs, 'ms', 'default'), cpu, lanesOf(w)],
    });
    freezeTerms.push({ ms: (left / (perS(storeWrite) * dumpShare.value)) * 1000, inputs: [...leftInputs, storeWrite, dumpShare] });
  }
  freezeTerms.push({
    ms: DEFAULTS.manifestBaseMs * cpu.value + (finalBytes / perS(digest)) * 1000,
    inputs: [input('manifest fixed cost (reference CPU)', DEFAULTS.manifestBaseMs, 'ms', 'default'), cpu, digest],
  });

  // kexec jump: flush what is dirty, unmount, jump (an orderly kexec stops every service first).
  const dirty = input('dirty page cache now', mib(facts.memory.dirtyBytes + facts.memory.writebackBytes), 'MiB', 'measured');
  const jumpTerms: Term[] = [
    {
      ms: DEFAULTS.kexecJumpMs * cpu.value,
      inputs: [input('sync, unmount, kexec -e, purgatory (reference CPU)', DEFAULTS.kexecJumpMs, 'ms', 'default'), cpu],
    },
    { ms: ((facts.memory.dirtyBytes + facts.memory.writebackBytes) / perS(flush)) * 1000, inputs: [dirty, flush] },
  ];
  const histJump = fromHistory(history, 'kexecJumpMs');
  if (histJump)
    jumpTerms.splice(0, 1, {
      ms: histJump.value,
      spread: histJump.spread,
      inputs: [input(`kexec jump, mean of the last ${histJump.runs} upgrade(s)`, Math.round(histJump.value), 'ms', 'history')],
    });
  if (plan.options.kexecMode === 'systemctl')
    jumpTerms.push({
      ms: DEFAULTS.systemctlStopMs,
      inputs: [input('systemctl kexec stopping services', DEFAULTS.systemctlStopMs, 'ms', 'default')],
    });

  // kernel boot, and userspace up to the restore hook: this host's own boots first.
  const bootTimes = facts.systemd.bootTimes.current ?? facts.systemd.bootTimes.previous;
  const kernelFromBoots =
    calibration?.boot.kernelS != null
      ? (calibration.boot.kernelS + (calibration.boot.initrdS ?? 0)) * 1000
      : bootTimes?.kernelUsec != null
        ? (bootTimes.kernelUsec + (bootTimes.initrdUsec ?? 0)) / 1000
        : null;
  const userspaceFromBoots =
    calibration?.boot.userspaceS != null
      ? calibration.boot.userspaceS * 1000
      : bootTimes?.userspaceUsec != null
        ? bootTimes.userspaceUsec / 1000
        : null;
  const histKernel = fromHistory(history, 'kernelBootMs');
  const kernelTerm: Term = histKernel
    ? {
        ms: histKernel.value,
        spread: histKernel.spread,
        inputs: [
          input(`kernel boot (kexec), mean of the last ${histKernel.runs} upgrade(s)`, Math.round(histKernel.value), 'ms', 'history'),
        ],
      }
    : kernelFromBoots !== null
      ? { ms: kernelFromBoots, inputs: [input('kernel + initrd boot (systemd)', Math.round(kernelFromBoots), 'ms', 'measured')] }
      : { ms: DEFAULTS.kernelBootMs, inputs: [input('kernel boot', DEFAULTS.kernelBootMs, 'ms', 'default')] };
  const histHook = fromHistory(history, 'userspaceToHookMs');
  const userspaceInput =
    userspaceFromBoots !== null
      ? input('userspace boot (systemd)', Math.round(userspaceFromBoots), 'ms', 'measured')
      : input('userspace boot', DEFAULTS.userspaceMs, 'ms', 'default');
  const hookTerm: Term = histHook
    ? {
        ms: histHook.value,
        spread: histHook.spread,
        inputs: [input(`userspace to the hook, mean of the last ${histHook.runs} upgrade(s)`, Math.round(histHook.value), 'ms', 'history')],
      }
    : {
        ms: userspaceInput.value * DEFAULTS.hookShareOfUserspace,
        inputs: [userspaceInput, input('share of userspace before the hook', DEFAULTS.hookShareOfUserspace, '×', 'default')],
      };

  // image check: the page images are hashed while CRIU reads them (the tasks held stopped), so
  // only the hashing that outlasts CRIU's reading adds to the blackout, and a fixed cost per
  // workload (metadata images, sizes).
  const readShare = perS(storeRead) * restoreShare.value;
  // (A lazy tree's page images are hashed while it runs: after the blackout.)
  const checkedBytes = ws.reduce((n, w) => n + (lazy(w) ? 0 : w.bytes), 0);
  const checkTerms: Term[] = [
    {
      ms: Math.max(0, checkedBytes / perS(digest) - checkedBytes / readShare) * 1000,
      inputs: [
        input('memory to carry', mib(totalBytes), 'MiB', ws.some((w) => w.bytesSource === 'dry-run') ? 'dry-run' : 'inventory'),
        digest,
        storeRead,
        restoreShare,
      ],
    },
    {
      ms: ws.length * DEFAULTS.imageCheckBaseMs * cpu.value,
      inputs: [input('image check fixed cost per workload (reference CPU)', DEFAULTS.imageCheckBaseMs, 'ms', 'default'), cpu],
    },
  ];

  // restore: per-run and per-process costs, and the pages copied back.
  const restoreTerms: Term[] = ws.flatMap((w) => [
    {
      ms: ((DEFAULTS.restoreBaseMs + w.processes * DEFAULTS.restorePerProcessMs) * cpu.value + objectsMs(w, cpu.value)) / lanesOf(w).value,
      inputs: [
        ...objectInputs(w),
        input('criu restore fixed cost (reference CPU)', DEFAULTS.restoreBaseMs, 'ms', 'default'),
        cpu,
        lanesOf(w),
      ],
    },
    { ms: (eagerBytes(w) / (perS(storeRead) * restoreShare.value)) * 1000, inputs: [eagerIn(w), storeRead, restoreShare] },
    ...(isContainer(w)
      ? [runtimeSteps(`${w.workload.runtime ?? 'runtime'} restore's own steps for ${w.selector}`, DEFAULTS.containerRestoreMs)]
      : []),
  ]);
  // Containers are restored after the boot hook, once the boot has gone on (docker: its daemon up).
  if (ws.some(isContainer)) restoreTerms.push(runtimeSteps('from the boot hook to the containers’ restore', DEFAULTS.containerStageMs));

  // lazy-fill: the pages not copied before the tree ran, pushed from the store in the background
  // (the trees run meanwhile, "degraded": a page touched first waits for its copy).
  const fillTerms: Term[] = ws
    .filter(lazy)
    .map((w) => ({ ms: ((w.bytes - eagerBytes(w)) / readShare) * 1000, inputs: [bytesIn(w), storeRead, restoreShare] }));

  const services = ws.filter((w) => w.workload.kind === 'service').length;
  const handBack: Term[] = services
    ? [
        {
          ms: services * DEFAULTS.handBackPerServiceMs * cpu.value,
          inputs: [
            input('services to hand back', services, '', 'plan'),
            input('hand-back per service (reference CPU)', DEFAULTS.handBackPerServiceMs, 'ms', 'default'),
            cpu,
          ],
        },
      ]
    : [];
  const cacheBytes = ws.reduce((s, w) => s + (w.workload.pageCache.known ? w.workload.pageCache.cgroup.activeFileBytes : 0), 0);
  const rewarm: Term[] = [
    {
      ms: (cacheBytes / DEFAULTS.rewarmBytesPerS) * 1000,
      inputs: [
        input('active page cache', mib(cacheBytes), 'MiB', 'inventory'),
        input('rewarm read rate', mb(DEFAULTS.rewarmBytesPerS), 'MB/s', 'default'),
      ],
    },
  ];

  const phases = [
    phase(
      'pre-dump',
      preDumpTerms,
      plan.options.preDump
        ? 'per workload: fixed cost + memory ÷ (store write × CRIU share), or the dry run’s round'
        : 'pre-dump is off in the plan',
    ),
    phase(
      'freeze-dump',
      freezeTerms,
      'per workload: fixed + processes × per-process cost + bytes left at the freeze ÷ dump rate; + manifest (final images ÷ sha256 rate)',
    ),
    phase('kexec-jump', jumpTerms, 'sync/unmount/kexec (+ systemctl stopping services) + dirty page cache ÷ flush bandwidth'),
    phase('kernel-boot', [kernelTerm], 'the last kexec boot of this host, else its systemd boot times'),
    phase('userspace-to-hook', [hookTerm], 'the last upgrade’s hook start, else a share of this host’s userspace boot'),
    phase(
      'image-check',
      checkTerms,
      'the hashing that outlasts CRIU’s reading (memory ÷ digest rate − memory ÷ restore read rate), + a fixed cost per workload (the manifest, the metadata images)',
    ),
    phase('restore', restoreTerms, 'per workload: fixed + processes × per-process cost + memory ÷ (store read × CRIU share)'),
    phase(
      'lazy-fill',
      fillTerms,
      plan.options.restoreMode === 'lazy'
        ? 'after the blackout, the trees running: memory not restored eagerly ÷ (store read × CRIU share)'
        : 'the plan restores eagerly: every page is back before the blackout ends',
    ),
    phase('hand-back', handBack, 'services × hand-back cost'),
    phase('rewarm', rewarm, 'active page cache ÷ read rate (after the blackout)'),
  ];
  const blackout = sum(phases.filter((p) => p.inBlackout));
  const beforeBoot = phases.filter((p) => p.phase === 'freeze-dump' || p.phase === 'kexec-jump' || p.phase === 'kernel-boot');
  const sshTerm = phase('userspace-to-hook', [{ ms: userspaceInput.value, inputs: [userspaceInput] }], '');
  const untilSsh = sum([...beforeBoot, sshTerm]);
  const defaults = [...new Set(phases.flatMap((p) => p.inputs.filter((i) => i.source === 'default').map((i) => i.name)))];
  return {
    version: ESTIMATE_VERSION,
    phases,
    blackout,
    untilSsh,
    bytes: totalBytes,
    workloads: ws.map((w) => ({
      selector: w.selector,
      bytes: w.bytes,
      processes: w.processes,
      rssBytes: w.workload.memory.rssBytes,
      bytesSource: w.bytesSource,
    })),
    defaults,
  };
}
