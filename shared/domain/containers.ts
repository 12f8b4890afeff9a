// Why: a container is more than its processes: its runtime restarts it (restart policy, a
// systemd unit), publishes its ports and mounts its volumes, and the upgrade must know all of
// that to hold it on the new boot and restore it through the runtime. podman and docker both
// answer `container inspect` in the same (docker-compatible) shape; this is the subset read,
// validated when it crosses from the runtime's CLI into the agent, and what the agent answers.
import * as z from '../zod';

export const CONTAINER_RUNTIMES = ['podman', 'docker'] as const;
export type ContainerRuntime = (typeof CONTAINER_RUNTIMES)[number];

/** Restart policies as both runtimes name them ('' from docker means no). */
export const RESTART_POLICIES = ['no', 'always', 'unless-stopped', 'on-failure'] as const;

export const containerPortSchema = z.object({
  /** "7000/tcp" */
  container: z.string(),
  hostIp: z.string(),
  hostPort: z.string(),
});

export const containerMountSchema = z.object({
  type: z.string(),
  /** The named volume, for type volume. */
  name: z.nullable(z.string()),
  source: z.string(),
  destination: z.string(),
  readWrite: z.boolean(),
});

export const containerInfoSchema = z.object({
  runtime: z.enum(CONTAINER_RUNTIMES),
  id: z.string(),
  name: z.string(),
  image: z.string(),
  /** The runtime's own word: running, exited, paused, created … */
  state: z.string(),
  /** The container's init process on the host, or null when it does not run. */
  pid: z.nullable(z.number().check(z.int(), z.positive())),
  restartPolicy: z.enum(RESTART_POLICIES),
  ports: z.array(containerPortSchema),
  mounts: z.array(containerMountSchema),
  /** The systemd unit that manages it (podman generate systemd / quadlet label), if any. */
  unit: z.nullable(z.string()),
  /** The OCI runtime that runs it (runc, crun …): the one that checkpoints it. */
  ociRuntime: z.nullable(z.string()),
  /** The runtime's directory for this container (podman's StaticDir, docker's containers/<id>), where its checkpoints go. */
  stateDir: z.nullable(z.string()),
  /** The AppArmor profile it runs under (null: none, or not running); CRIU restores it into that profile. */
  appArmorProfile: z.nullable(z.string()),
});
export type ContainerInfo = z.infer<typeof containerInfoSchema>;

/** One runtime on the host: whether it answers, and whether it can checkpoint (with the fix when not). */
export const containerRuntimeInfoSchema = z.object({
  runtime: z.enum(CONTAINER_RUNTIMES),
  version: z.nullable(z.string()),
  /** Why it could not be asked (not installed, daemon not running), or null. */
  unavailable: z.nullable(z.string()),
  checkpoint: z.object({ ok: z.boolean(), reason: z.nullable(z.string()), fix: z.nullable(z.string()) }),
});
export type ContainerRuntimeInfo = z.infer<typeof containerRuntimeInfoSchema>;

export const containersSchema = z.object({
  runtimes: z.array(containerRuntimeInfoSchema),
  containers: z.array(containerInfoSchema),
});
export type Containers = z.infer<typeof containersSchema>;

const portBindings = z.nullable(z.array(z.object({ HostIp: z.optional(z.string()), HostPort: z.optional(z.string()) })));

/** The part of `<runtime> container inspect` output read (unknown keys pass, missing ones are defaults). */
export const inspectEntrySchema = z.object({
  Id: z.string(),
  Name: z.string(),
  /** docker: the image as asked for; podman: ImageName. */
  Config: z.optional(z.object({ Image: z.optional(z.string()), Labels: z.optional(z.nullable(z.record(z.string(), z.string()))) })),
  ImageName: z.optional(z.string()),
  /** podman: the OCI runtime and the container's own directory. */
  OCIRuntime: z.optional(z.string()),
  StaticDir: z.optional(z.string()),
  AppArmorProfile: z.optional(z.string()),
  /** docker: a file in the container's own directory. */
  HostnamePath: z.optional(z.string()),
  State: z.object({ Status: z.string(), Pid: z.optional(z.number()) }),
  HostConfig: z.optional(
    z.object({ Runtime: z.optional(z.string()), RestartPolicy: z.optional(z.nullable(z.object({ Name: z.optional(z.string()) }))) }),
  ),
  NetworkSettings: z.optional(z.object({ Ports: z.optional(z.nullable(z.record(z.string(), portBindings))) })),
  Mounts: z.optional(
    z.nullable(
      z.array(
        z.object({
          Type: z.optional(z.string()),
          Name: z.optional(z.string()),
          Source: z.optional(z.string()),
          Destination: z.string(),
          RW: z.optional(z.boolean()),
        }),
      ),
    ),
  ),
});
export type InspectEntry = z.infer<typeof inspectEntrySchema>;

const restartPolicy = (name: string | undefined): ContainerInfo['restartPolicy'] =>
  (RESTART_POLICIES as readonly string[]).includes(name ?? '') ? (name as ContainerInfo['restartPolicy']) : 'no';

/** One inspect entry as Seamless shows and uses it. */
export function toContainerInfo(runtime: ContainerRuntime, e: InspectEntry): ContainerInfo {
  const labels = e.Config?.Labels ?? {};
  return {
    runtime,
    id: e.Id,
    name: e.Name.replace(/^\//, ''),
    image: e.ImageName ?? e.Config?.Image ?? '',
    state: e.State.Status,
    pid: e.State.Pid && e.State.Pid > 0 ? e.State.Pid : null,
    restartPolicy: restartPolicy(e.HostConfig?.RestartPolicy?.Name),
    ports: Object.entries(e.NetworkSettings?.Ports ?? {}).flatMap(([container, bindings]) =>
      (bindings ?? []).map((b) => ({ container, hostIp: b.HostIp ?? '', hostPort: b.HostPort ?? '' })),
    ),
    mounts: (e.Mounts ?? []).map((m) => ({
      type: m.Type ?? 'bind',
      name: m.Name ?? null,
      source: m.Source ?? '',
      destination: m.Destination,
      readWrite: m.RW ?? true,
    })),
    unit: labels.PODMAN_SYSTEMD_UNIT ?? null,
    ociRuntime: e.OCIRuntime ?? e.HostConfig?.Runtime ?? null,
    stateDir: e.StaticDir ?? (e.HostnamePath ? e.HostnamePath.replace(/\/[^/]+$/, '') : null),
    appArmorProfile: e.AppArmorProfile && e.AppArmorProfile !== 'unconfined' ? e.AppArmorProfile : null,
  };
}

/** `<runtime> container inspect` output → containers; the first entry that does not fit names the field. */
export function parseInspect(
  runtime: ContainerRuntime,
  text: string,
): { ok: true; containers: ContainerInfo[] } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `${runtime} container inspect did not answer JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  const list = z.array(inspectEntrySchema).safeParse(json);
  if (!list.success) {
    const issue = list.error.issues[0];
    return { ok: false, message: `${runtime} container inspect: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, containers: list.data.map((e) => toContainerInfo(runtime, e)) };
}
