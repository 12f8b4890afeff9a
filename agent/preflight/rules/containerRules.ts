// Why: a container is carried by its runtime (podman or docker), so before anything is frozen
// the runtime itself must be able to checkpoint (CRIU installed, docker's experimental mode, an
// OCI runtime built with CRIU), nothing may start the container cold on the new boot before its
// restore (restart policies, the unit that manages it), and what the runtime cannot carry is
// named (docker has no --tcp-established). Every finding with its evidence and its fix.
import type { ContainerInfo } from '../../../shared/domain/containers';
import type { Finding } from '../../../shared/domain/findings';
import type { PreflightContext, SelectedWorkload } from '../context';

function oneContainer(ctx: PreflightContext, s: SelectedWorkload): Finding[] {
  const w = s.workload;
  const at = { workload: s.selector };
  if (w.runtime !== 'podman' && w.runtime !== 'docker')
    return [
      {
        id: 'container.runtime-unsupported',
        severity: 'block',
        ...at,
        message: `${w.name} is a ${w.runtime ?? 'unknown'} container; Seamless carries podman and docker containers only.`,
        evidence: `cgroup ${w.cgroup ?? '?'}`,
        fix: 'Leave it out of this upgrade: it restarts as on any reboot.',
      },
    ];
  const runtime = ctx.containers?.runtimes.find((r) => r.runtime === w.runtime);
  const c = ctx.containers?.containers.find((x) => x.runtime === w.runtime && x.id === w.containerId);
  if (!runtime || runtime.unavailable || !c)
    return [
      {
        id: 'container.unknown',
        severity: 'block',
        ...at,
        message: `${w.runtime} does not report container ${w.name}, so it cannot checkpoint it.`,
        evidence: runtime?.unavailable ?? `${w.runtime} ps --all has no container ${w.containerId ?? '?'}`,
        fix:
          w.runtime === 'docker'
            ? 'Start the docker daemon (systemctl start docker), then check the plan again.'
            : 'Check `podman ps --all` as root, then check the plan again.',
      },
    ];
  const out: Finding[] = [];
  if (!runtime.checkpoint.ok)
    out.push({
      id: 'container.checkpoint-unsupported',
      severity: 'block',
      ...at,
      message: `${w.runtime} cannot checkpoint here: ${runtime.checkpoint.reason ?? 'unknown reason'}.`,
      evidence: `${w.runtime} ${runtime.version ?? ''}`.trim(),
      fix: runtime.checkpoint.fix ?? 'Install CRIU, then check the plan again.',
    });
  const oci = ctx.ociRuntimes.find((o) => o.name === c.ociRuntime);
  if (w.runtime === 'podman' && oci && !oci.criu)
    out.push({
      id: 'container.oci-runtime-without-criu',
      severity: 'block',
      ...at,
      message: `${c.name} runs under ${oci.name}, which is built without checkpoint support here ("configured runtime does not support checkpoint/restore").`,
      evidence: oci.evidence,
      fix: `Recreate the container with runc (apt-get install runc; podman run --runtime runc …), or set runtime = "runc" under [engine] in /etc/containers/containers.conf and recreate it.`,
    });
  if (c.state !== 'running')
    out.push({
      id: 'container.not-running',
      severity: 'block',
      ...at,
      message: `${c.name} is ${c.state}, not running: there is nothing to checkpoint.`,
      evidence: `${w.runtime} inspect: State.Status ${c.state}`,
      fix: 'Start it, or leave it out.',
    });
  if (c.unit)
    out.push({
      id: 'container.systemd-unit',
      severity: 'block',
      ...at,
      message: `${c.name} is managed by ${c.unit}; Seamless does not yet hold a container's own unit on the new boot, which would start (or recreate) it cold beside the restore.`,
      evidence: `label PODMAN_SYSTEMD_UNIT=${c.unit}`,
      fix: `Leave it out, or run it without the unit for the upgrade (systemctl disable ${c.unit}; podman run --restart always …).`,
    });
  if (w.runtime === 'docker' && s.probe.establishedTcp + s.probe.halfClosedTcp > 0)
    out.push({
      id: 'container.docker-tcp',
      severity: 'block',
      ...at,
      message: `${c.name} has connected TCP sockets, and docker checkpoint has no way to carry them (no --tcp-established): its dump would fail.`,
      evidence: `${s.probe.establishedTcp + s.probe.halfClosedTcp} connected TCP socket(s) in its network namespace`,
      fix: 'Have its clients disconnect for the upgrade (they reconnect after it), or run it under podman, which carries them.',
    });
  out.push(restartHold(c, s.selector));
  if (s.probe.memoryFsFiles.length > 0)
    out.push({
      id: 'container.tmpfs',
      severity: 'info',
      ...at,
      message: `${c.name} holds files on tmpfs mounts of its own (/dev/shm, a tmpfs volume): CRIU saves their contents into the images with it, so they count in the images' size.`,
      evidence: s.probe.memoryFsFiles
        .slice(0, 6)
        .map((f) => `pid ${f.pid}: ${f.path}`)
        .join('; '),
      fix: 'Nothing to do.',
    });
  if (c.mounts.length > 0)
    out.push({
      id: 'container.volumes',
      severity: 'info',
      ...at,
      message: `${c.mounts.length} volume(s) and bind mount(s) stay where they are on disk; the checkpoint holds the memory and the container's changes to its own filesystem, not their contents.`,
      evidence: c.mounts.map((m) => `${m.type} ${m.name ?? m.source} → ${m.destination}${m.readWrite ? '' : ' (ro)'}`).join('; '),
      fix: 'Nothing to do.',
    });
  return out;
}

function restartHold(c: ContainerInfo, selector: string): Finding {
  const how =
    c.restartPolicy === 'no'
      ? 'nothing starts it on boot'
      : c.runtime === 'docker'
        ? `its restart policy (${c.restartPolicy}) is set to no from its checkpoint until its restore, so dockerd neither restarts it at the checkpoint nor starts it cold on the new boot, then set back`
        : c.restartPolicy === 'always'
          ? 'podman-restart.service (which starts `always` containers on boot) waits until the restore has ended'
          : `podman does not start a ${c.restartPolicy} container on boot`;
  return {
    id: 'container.restart-hold',
    severity: 'info',
    workload: selector,
    message: `${c.name} is restored by ${c.runtime} on the new boot: ${how}. If its restore fails it starts cold${c.restartPolicy === 'always' || c.restartPolicy === 'unless-stopped' ? '' : ' only if you start it (its policy would not)'}, with its images kept.`,
    evidence: `${c.runtime} restart policy: ${c.restartPolicy}`,
    fix: 'Nothing to do.',
  };
}

export function containerRules(ctx: PreflightContext): Finding[] {
  return ctx.selected.filter((s) => s.workload.kind === 'container').flatMap((s) => oneContainer(ctx, s));
}
