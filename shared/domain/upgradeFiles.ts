// Why: three files cross the kexec beside the images: preflight.json (what preflight found at
// start, and the CRIU options it derived), state.json (what the run before the jump tells the
// restore after it) and each workload's manifest.json (every image file, its size and digest).
// The boot that reads them back may be minutes and a kernel away from the one that wrote them,
// so each has a schema and a version, and a file that does not validate is refused with the
// file and the field named (never cast and misread). plan.json has its own (shared/plan/plan.ts).
import * as z from '../zod';
import { selectorSchema } from '../plan/plan';
import { preflightResultSchema } from './findings';
import { CONTAINER_RUNTIMES, RESTART_POLICIES } from './containers';

export const PREFLIGHT_FILE_VERSION = 1;
export const STATE_FILE_VERSION = 1;
/** 2: a digest algorithm chosen per host (the fastest of a vetted few), `digest` per file instead of `sha256`. */
export const MANIFEST_FILE_VERSION = 2;

const nonneg = () => z.number().check(z.nonnegative());
const pid = () => z.number().check(z.int(), z.positive());

/** preflight.json: preflight's answer at start, the one the run uses (it does not run preflight again). */
export const preflightFileSchema = z.object({
  version: z.literal(PREFLIGHT_FILE_VERSION),
  ...preflightResultSchema.shape,
});
export type PreflightFile = z.infer<typeof preflightFileSchema>;

/** Where the images go, as mounted (the plan's store plus what the mount found). */
export const mountedStoreSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('pmem'), device: z.string(), mount: z.string(), dax: z.boolean() }),
  z.object({ kind: z.literal('dir'), path: z.string() }),
]);

/** What the run needs to know of a container to checkpoint, hold and restore it through its runtime. */
export const containerStateSchema = z.object({
  runtime: z.enum(CONTAINER_RUNTIMES),
  id: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  name: z.string(),
  /** The policy the container had; docker's is set to `no` from the checkpoint until the restore (the hold). */
  restartPolicy: z.enum(RESTART_POLICIES),
  /** The runtime's own checkpoint directory, linked to the images in the store. */
  checkpointLink: z.string(),
  /** Its AppArmor profile, and the compiled policy saved beside the images (the new boot has not loaded it yet). */
  appArmor: z.optional(
    z.nullable(
      z.object({
        profile: z.string(),
        /** The policy as the kernel had it loaded (apparmorfs raw_data), null when it could not be read. */
        saved: z.nullable(z.object({ file: z.string(), sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)) })),
      }),
    ),
  ),
});
export type ContainerState = z.infer<typeof containerStateSchema>;

export const workloadStateSchema = z.object({
  selector: selectorSchema,
  kind: z.string(),
  name: z.string(),
  /** The systemd unit for service workloads (held on the restore boot), else null. */
  unit: z.nullable(z.string()),
  rootPid: pid(),
  pids: z.array(pid()),
  cgroup: z.nullable(z.string()),
  /** Absolute image directory of the final dump. */
  dir: z.string(),
  /** Pre-dump directories, oldest first (the final dump's parent chain). */
  preDumpDirs: z.array(z.string()),
  criuOptions: z.array(z.string()),
  /** Anonymous + shmem bytes when selected: about what a full dump writes. */
  estimatedBytes: z.optional(nonneg()),
  bytesDumped: nonneg(),
  /** Files the workload had resident in the page cache just before the freeze. */
  residency: z.array(z.object({ path: z.string(), residentBytes: nonneg(), sizeBytes: nonneg() })),
  /**
   * A container: checkpointed and restored through its runtime (podman, docker), not by CRIU
   * directly. Absent (older state files) or null for any other workload.
   */
  container: z.optional(z.nullable(containerStateSchema)),
  /** lazy: restored by CRIU's lazy-pages daemon from the images (plan restoreMode). Absent (older files): eager. */
  restoreMode: z.optional(z.enum(['eager', 'lazy'])),
});
export type WorkloadState = z.infer<typeof workloadStateSchema>;

/** The kernel a failed restore jumps back to (policy kexec-back). */
export const backKernelSchema = z.object({
  image: z.string(),
  initrd: z.nullable(z.string()),
  cmdline: z.string(),
  lockdown: z.boolean(),
});

/** state.json: what the run before the kexec tells the restore after it. */
export const stateFileSchema = z.object({
  version: z.literal(STATE_FILE_VERSION),
  id: z.string(),
  node: z.string(),
  agent: z.string(),
  kernelBefore: z.string(),
  store: mountedStoreSchema,
  /** The upgrade's directory in the store. */
  storeDir: z.string(),
  workloads: z.array(workloadStateSchema),
  /** iptables-save / ip6tables-save of CRIU's network lock, when a workload carries TCP. */
  netLock: z.nullable(z.object({ v4: z.nullable(z.string()), v6: z.nullable(z.string()) })),
  heldUnits: z.array(z.string()),
  freezeAtMs: z.nullable(z.number()),
  dumpedAtMs: z.nullable(z.number()),
  kexecAtMs: z.nullable(z.number()),
  kexecMode: z.enum(['direct', 'systemctl']),
  onRestoreFailure: z.enum(['kexec-back', 'cold-start']),
  /** The kernel to jump back to after a failed restore (policy kexec-back); null when /boot lacks it. */
  back: z.optional(z.nullable(backKernelSchema)),
  /** Set just before the jump back: the restore on the old kernel is the last attempt. */
  backAttempted: z.optional(z.boolean()),
});
export type RunState = z.infer<typeof stateFileSchema>;

/** The digests an image check may use (node:crypto names); the dump picks the fastest on its host. */
export const IMAGE_DIGESTS = ['sha256', 'blake2b512', 'md5'] as const;
export type ImageDigest = (typeof IMAGE_DIGESTS)[number];
export const manifestEntrySchema = z.object({ path: z.string(), size: nonneg(), digest: z.string().check(z.regex(/^[0-9a-f]{32,128}$/)) });
/** manifest.json: every image file of one workload (all pre-dump rounds and the dump). */
export const manifestFileSchema = z.object({
  version: z.literal(MANIFEST_FILE_VERSION),
  algorithm: z.enum(IMAGE_DIGESTS),
  files: z.array(manifestEntrySchema),
  totalBytes: nonneg(),
});
export type ManifestFile = z.infer<typeof manifestFileSchema>;

interface FileValues {
  'preflight.json': PreflightFile;
  'state.json': RunState;
  'manifest.json': ManifestFile;
}
export type UpgradeFileName = keyof FileValues;
export type FileValue<N extends UpgradeFileName> = FileValues[N];
export const UPGRADE_FILES: { [N in UpgradeFileName]: { schema: z.ZodMiniType<FileValues[N]>; version: number } } = {
  'preflight.json': { schema: preflightFileSchema, version: PREFLIGHT_FILE_VERSION },
  'state.json': { schema: stateFileSchema, version: STATE_FILE_VERSION },
  'manifest.json': { schema: manifestFileSchema, version: MANIFEST_FILE_VERSION },
};

/** Why a file was refused: which one, which field (a dotted path, `version`, or `(file)`), what is wrong. */
export interface FileIssue {
  file: UpgradeFileName;
  field: string;
  message: string;
}

/** Parses one of the files above; the issue names the file and the first field that is wrong. */
export function parseUpgradeFile<N extends UpgradeFileName>(
  name: N,
  text: string,
): { ok: true; value: FileValue<N> } | { ok: false; issue: FileIssue } {
  const spec = UPGRADE_FILES[name];
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, issue: { file: name, field: '(file)', message: `not JSON (${err instanceof Error ? err.message : String(err)})` } };
  }
  const version = typeof json === 'object' && json !== null && 'version' in json ? json.version : undefined;
  if (version !== spec.version) {
    const what = version === undefined ? 'has no version' : `has version ${JSON.stringify(version)}`;
    return { ok: false, issue: { file: name, field: 'version', message: `${what}; this Seamless reads version ${spec.version}` } };
  }
  const parsed = spec.schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const field = first && first.path.length > 0 ? first.path.map(String).join('.') : '(file)';
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
    return { ok: false, issue: { file: name, field, message: `${first?.message ?? 'invalid'}${more}` } };
  }
  return { ok: true, value: parsed.data };
}

/** The text a file is written as: its version first. */
export function formatUpgradeFile<N extends UpgradeFileName>(name: N, value: Omit<FileValue<N>, 'version'>): string {
  return `${JSON.stringify({ version: UPGRADE_FILES[name].version, ...value }, null, 2)}\n`;
}
