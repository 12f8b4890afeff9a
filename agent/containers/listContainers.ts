// Why: what each container runtime on the host knows of its containers (restart policy, ports,
// volumes, the unit that manages it) and whether it can checkpoint, asked of the runtime's own
// CLI: `container inspect` answers the same shape for podman and docker, and neither keeps that
// in files another program should parse (podman's is a database). A runtime that is not there
// or whose daemon is down is said so, with what to do, and lists nothing.
import {
  CONTAINER_RUNTIMES,
  parseInspect,
  type ContainerInfo,
  type ContainerRuntime,
  type ContainerRuntimeInfo,
  type Containers,
} from '../../shared/domain/containers';
import { tailOf } from '../../shared/errors';
import { sh, type ShResult } from '../exec/sh';

const TIMEOUT_MS = 60_000;

/** Whether this runtime can checkpoint here, with the fix when it cannot. */
async function checkpointSupport(runtime: ContainerRuntime): Promise<ContainerRuntimeInfo['checkpoint']> {
  const criu = await sh('criu', ['--version'], { timeoutMs: TIMEOUT_MS });
  if (criu.code !== 0)
    return { ok: false, reason: 'CRIU is not installed: the runtime checkpoints through it', fix: 'apt-get install criu' };
  if (runtime === 'docker') {
    const info = await sh('docker', ['info', '--format', '{{.ExperimentalBuild}}'], { timeoutMs: TIMEOUT_MS });
    if (info.stdout.trim() !== 'true')
      return {
        ok: false,
        reason: 'docker checkpoint needs the daemon in experimental mode',
        fix: 'Add "experimental": true to /etc/docker/daemon.json and restart docker (systemctl restart docker), then check the plan again',
      };
  }
  return { ok: true, reason: null, fix: null };
}

const unavailable = (runtime: ContainerRuntime, r: ShResult): string =>
  r.missing
    ? `${runtime} is not installed`
    : runtime === 'docker'
      ? `the docker daemon does not answer (systemctl start docker): ${tailOf(r.stderr, 3)}`
      : `${runtime} does not answer: ${tailOf(r.stderr, 3)}`;

async function oneRuntime(runtime: ContainerRuntime): Promise<{ info: ContainerRuntimeInfo; containers: ContainerInfo[] }> {
  const version = await sh(runtime, ['--version'], { timeoutMs: TIMEOUT_MS });
  const none = { reason: null, fix: null };
  if (version.code !== 0)
    return {
      info: { runtime, version: null, unavailable: unavailable(runtime, version), checkpoint: { ok: false, ...none } },
      containers: [],
    };
  const ids = await sh(runtime, ['ps', '--all', '--quiet', '--no-trunc'], { timeoutMs: TIMEOUT_MS });
  const info: ContainerRuntimeInfo = {
    runtime,
    version: version.stdout.trim(),
    unavailable: ids.code === 0 ? null : unavailable(runtime, ids),
    checkpoint: ids.code === 0 ? await checkpointSupport(runtime) : { ok: false, ...none },
  };
  const list = ids.stdout.split('\n').filter((l) => /^[0-9a-f]{12,64}$/.test(l.trim()));
  if (ids.code !== 0 || list.length === 0) return { info, containers: [] };
  const inspected = await sh(runtime, ['container', 'inspect', ...list.map((l) => l.trim())], { timeoutMs: TIMEOUT_MS });
  const parsed = parseInspect(runtime, inspected.stdout);
  if (!parsed.ok) return { info: { ...info, unavailable: `${parsed.message} ${tailOf(inspected.stderr, 3)}`.trim() }, containers: [] };
  return { info, containers: parsed.containers };
}

/** Every runtime's containers (running or not) and what each runtime can do. */
export async function listContainers(): Promise<Containers> {
  const all = await Promise.all(CONTAINER_RUNTIMES.map(oneRuntime));
  return { runtimes: all.map((a) => a.info), containers: all.flatMap((a) => a.containers) };
}
