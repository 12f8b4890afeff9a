// Why: a container is checkpointed and restored by its own runtime, never by CRIU directly: the
// runtime knows its mounts, its network namespace, its conmon/shim and its own state (after the
// restore `podman ps` / `docker ps` must say the container runs, with the same ID). The images
// still go to the store: the runtime's checkpoint directory is a link into the upgrade's image
// directory, so CRIU (through runc) writes straight into the memory that survives the kexec, and
// the same link, made again on the new boot, is where the runtime finds them.
//
// docker: `checkpoint create --checkpoint-dir` writes to the store; `start --checkpoint` reads
// only the container's own checkpoints directory (a custom one is refused), hence the link there.
// dockerd restarts an `always` container the moment its checkpoint stops it, and would start it
// cold on the new boot: its policy is set to `no` from just before the checkpoint until after
// the restore (or the cold start): that is docker's hold.
// podman: `container checkpoint` has no directory option; its checkpoint directory
// (<StaticDir>/checkpoint) is the link. Its restart policy acts only through
// podman-restart.service on boot, which the restore boot holds (see units.ts).
import { existsSync, lstatSync, mkdirSync, rmdirSync, rmSync, symlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { ContainerRuntime } from '../../shared/domain/containers';
import type { ContainerState, WorkloadState } from '../../shared/domain/upgradeFiles';
import { tailOf } from '../../shared/errors';
import { sh, type ShResult } from '../exec/sh';
import { readText } from '../fs/readOptional';
import { ensureProfile, savePolicy } from './appArmorPolicy';
import { criuEvidence } from '../upgrade/criuLog';

const TIMEOUT_MS = 30 * 60_000;

export type ContainerWorkload = WorkloadState & { container: ContainerState };
export const isContainer = (w: WorkloadState): w is ContainerWorkload => w.container !== null && w.container !== undefined;

/** The runtime's checkpoint directory, where it expects the images (the link to the store). */
export function checkpointLinkOf(runtime: ContainerRuntime, stateDir: string, upgradeId: string): string {
  return runtime === 'podman' ? join(stateDir, 'checkpoint') : join(stateDir, 'checkpoints', `seamless-${upgradeId}`);
}

/** The CRIU options the runtime passes on (those a container can need; the rest are the runtime's business). */
export function runtimeFlags(runtime: ContainerRuntime, criuOptions: readonly string[]): string[] {
  if (runtime === 'docker') return []; // docker has no flags for these; preflight refuses what would need them
  return criuOptions.filter((o) => o === '--tcp-established' || o === '--file-locks');
}

/**
 * Makes the runtime's checkpoint directory lead to the images in the store, replacing whatever
 * the runtime left there (an old checkpoint). podman: a symlink. docker: a bind mount, since
 * containerd archives the directory it is given, and an archive of a symlink is the link alone.
 */
async function linkTo(c: ContainerState, target: string): Promise<void> {
  await unlink(c);
  try {
    lstatSync(c.checkpointLink);
    rmSync(c.checkpointLink, { recursive: true, force: true });
  } catch {
    // nothing there
  }
  mkdirSync(dirname(c.checkpointLink), { recursive: true, mode: 0o700 });
  if (c.runtime === 'podman') symlinkSync(target, c.checkpointLink);
  else {
    mkdirSync(c.checkpointLink, { mode: 0o700 });
    const r = await sh('mount', ['--bind', target, c.checkpointLink], { timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`mount --bind ${target} ${c.checkpointLink}: ${tailOf(r.stderr, 3)}`);
  }
}

/** Undoes linkTo (the images stay where they are). */
async function unlink(c: ContainerState): Promise<void> {
  try {
    const st = lstatSync(c.checkpointLink);
    if (st.isSymbolicLink()) rmSync(c.checkpointLink);
    else if (st.isDirectory()) {
      await sh('umount', [c.checkpointLink], { timeoutMs: 60_000 });
      rmdirSync(c.checkpointLink);
    }
  } catch {
    // not there, or not empty (then it is not ours: left alone)
  }
}

export interface RuntimeResult {
  ok: boolean;
  /** The runtime's stderr tail, with CRIU's own log tail when the runtime left one. */
  evidence: string;
  /** The container's init process on the host after a restore or start. */
  pid: number | null;
  ms: number;
  /** What was done on the way (an AppArmor profile loaded again), for the journal. */
  notes?: string[];
}

function result(r: ShResult, t0: number, log: string | null, pid: number | null = null): RuntimeResult {
  const criuLog = log ? readText(log) : '';
  const evidence = [tailOf(r.stderr || r.stdout, 10), criuLog ? `${log}:\n${criuEvidence(criuLog, 15)}` : ''].filter(Boolean).join('\n');
  return { ok: r.code === 0 && !r.timedOut, evidence: r.timedOut ? `timed out\n${evidence}` : evidence, pid, ms: Date.now() - t0 };
}

async function setRestartPolicy(c: ContainerState, policy: string): Promise<ShResult> {
  return sh('docker', ['update', `--restart=${policy}`, c.id], { timeoutMs: 60_000 });
}

/**
 * The hold for docker: no restart policy until the restore (an `always` container would be
 * restarted cold by dockerd as soon as its checkpoint stops it). Nothing to do for podman.
 */
export async function holdRestartPolicy(w: ContainerWorkload): Promise<ShResult | null> {
  const c = w.container;
  if (c.runtime !== 'docker' || c.restartPolicy === 'no') return null;
  return setRestartPolicy(c, 'no');
}

/** Gives docker its restart policy back (after the restore, a cold start, or an abort). */
export async function releaseRestartPolicy(w: ContainerWorkload): Promise<ShResult | null> {
  const c = w.container;
  if (c.runtime !== 'docker' || c.restartPolicy === 'no') return null;
  return setRestartPolicy(c, c.restartPolicy);
}

/** The final checkpoint: the container's processes are stopped and gone when it succeeds. */
export async function checkpointContainer(w: ContainerWorkload): Promise<RuntimeResult> {
  const c = w.container;
  const t0 = Date.now();
  const flags = runtimeFlags(c.runtime, w.criuOptions);
  mkdirSync(dirname(w.dir), { recursive: true, mode: 0o700 });
  // The new boot will not have its AppArmor profile loaded (see appArmorPolicy.ts).
  if (c.appArmor) c.appArmor.saved = savePolicy(c.appArmor.profile, join(dirname(w.dir), 'apparmor-policy.bin'));
  if (c.runtime === 'podman') {
    mkdirSync(w.dir, { recursive: true, mode: 0o700 });
    await linkTo(c, w.dir);
    const r = await sh('podman', ['container', 'checkpoint', '--keep', ...flags, c.id], { timeoutMs: TIMEOUT_MS });
    return result(r, t0, join(dirname(c.checkpointLink), 'dump.log'));
  }
  // docker writes <checkpoint-dir>/<name> itself and refuses one that exists.
  rmSync(w.dir, { recursive: true, force: true });
  const r = await sh('docker', ['checkpoint', 'create', '--checkpoint-dir', dirname(w.dir), c.id, basename(w.dir)], {
    timeoutMs: TIMEOUT_MS,
  });
  const out = result(r, t0, existsSync(join(w.dir, 'dump.log')) ? join(w.dir, 'dump.log') : null);
  return out;
}

/** The container's init pid and state as its runtime says them now. */
export async function runtimeState(c: ContainerState): Promise<{ status: string; pid: number | null }> {
  const r = await sh(c.runtime, ['container', 'inspect', '--format', '{{.State.Status}} {{.State.Pid}}', c.id], { timeoutMs: 60_000 });
  const [status = '', pid = '0'] = r.stdout.trim().split(/\s+/);
  return { status: r.code === 0 ? status : `unknown (${tailOf(r.stderr, 2)})`, pid: Number(pid) > 0 ? Number(pid) : null };
}

/** Waits for the docker daemon (on the new boot it starts with the network, after the boot hook). */
async function dockerReady(): Promise<ShResult> {
  await sh('systemctl', ['start', 'docker.service'], { timeoutMs: 5 * 60_000 });
  return sh('docker', ['version', '--format', '{{.Server.Version}}'], { timeoutMs: 60_000 });
}

/** The restore through the runtime, from the images the link leads to. */
export async function restoreContainer(w: ContainerWorkload): Promise<RuntimeResult> {
  const c = w.container;
  const t0 = Date.now();
  if (c.runtime === 'docker') {
    const ready = await dockerReady();
    if (ready.code !== 0) return result(ready, t0, null);
  }
  const notes: string[] = [];
  if (c.appArmor) {
    const profile = ensureProfile(c.appArmor.profile, c.appArmor.saved);
    if (!profile.ok) return { ok: false, evidence: profile.what, pid: null, ms: Date.now() - t0, notes };
    notes.push(profile.what);
  }
  try {
    await linkTo(c, w.dir);
  } catch (err) {
    return { ok: false, evidence: String(err), pid: null, ms: Date.now() - t0, notes };
  }
  const r =
    c.runtime === 'podman'
      ? await sh('podman', ['container', 'restore', '--keep', ...runtimeFlags('podman', w.criuOptions), c.id], { timeoutMs: TIMEOUT_MS })
      : await sh('docker', ['start', '--checkpoint', basename(c.checkpointLink), c.id], { timeoutMs: TIMEOUT_MS });
  const log = c.runtime === 'podman' ? join(dirname(c.checkpointLink), 'restore.log') : join(w.dir, 'restore.log');
  const now = await runtimeState(c);
  const out = { ...result(r, t0, existsSync(log) ? log : null, now.pid), notes };
  if (out.ok && now.status !== 'running')
    return { ...out, ok: false, evidence: `${c.runtime} says ${c.name} is ${now.status}\n${out.evidence}` };
  return out;
}

/** After a failed restore: the container starts cold, as a reboot would have started it (its policy), images kept. */
export async function coldStartContainer(w: ContainerWorkload): Promise<RuntimeResult & { started: boolean }> {
  const c = w.container;
  const t0 = Date.now();
  await removeLink(w);
  const policy = await releaseRestartPolicy(w);
  if (c.restartPolicy !== 'always' && c.restartPolicy !== 'unless-stopped')
    return {
      ok: policy === null || policy.code === 0,
      evidence: policy ? tailOf(policy.stderr, 5) : '',
      pid: null,
      ms: Date.now() - t0,
      started: false,
    };
  const r = await sh(c.runtime, ['start', c.id], { timeoutMs: 5 * 60_000 });
  const now = await runtimeState(c);
  return { ...result(r, t0, null, now.pid), started: true };
}

/** The link is the runtime's way to the images; once they are restored (or given up) it goes. */
export const removeLink = (w: ContainerWorkload): Promise<void> => unlink(w.container);
