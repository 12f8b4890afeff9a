// The container rules: a healthy podman container (runc, restart always) can start and is told
// how it is held; each thing a runtime cannot do (or would undo) blocks with its fix.
import { describe, expect, it } from 'vitest';
import { judge } from '../../../../agent/preflight/preflight';
import type { PreflightContext } from '../../../../agent/preflight/context';
import type { ContainerInfo } from '../../../../shared/domain/containers';
import type { Workload } from '../../../../shared/domain/inventory';
import { baseContext, emptyProbe, proc } from './context.fixture';

const ID = 'c'.repeat(64);

function containerContext(runtime: 'podman' | 'docker' = 'podman', change: Partial<ContainerInfo> = {}): PreflightContext {
  const ctx = baseContext();
  const workload: Workload = {
    id: 'container:kv',
    kind: 'container',
    name: 'kv',
    runtime,
    image: 'localhost/lab-kv:latest',
    containerId: ID,
    cgroup: `/machine.slice/libpod-${ID}.scope`,
    rootPid: 7000,
    pids: [7000],
    memory: { rssBytes: 64 << 20, pssBytes: 64 << 20, anonBytes: 64 << 20, fileBytes: 0, shmemBytes: 0, swapBytes: 0 },
    pageCache: { known: false, reason: 'test' },
  };
  // The container's own mount and user namespaces are its runtime's business, not a block.
  ctx.inventory.processes.push(
    proc(7000, 1, { cgroup: workload.cgroup, namespaces: { pid: '9', mnt: '4026532300', net: '9', user: '4026532301' } }),
  );
  ctx.inventory.workloads.push(workload);
  ctx.plan.workloads = ['container:kv'];
  ctx.selected = [{ selector: 'container:kv', workload, probe: emptyProbe() }];
  ctx.containers = {
    runtimes: [{ runtime, version: `${runtime} version 4.3.1`, unavailable: null, checkpoint: { ok: true, reason: null, fix: null } }],
    containers: [
      {
        runtime,
        id: ID,
        name: 'kv',
        image: 'localhost/lab-kv:latest',
        state: 'running',
        pid: 7000,
        restartPolicy: 'always',
        ports: [{ container: '7000/tcp', hostIp: '', hostPort: '7000' }],
        mounts: [],
        unit: null,
        ociRuntime: 'runc',
        stateDir: `/var/lib/containers/storage/overlay-containers/${ID}/userdata`,
        appArmorProfile: 'containers-default-0.50.1',
        ...change,
      },
    ],
  };
  ctx.ociRuntimes = [{ name: 'runc', criu: true, evidence: 'runc --version: runc version 1.1.5' }];
  return ctx;
}

const ids = (ctx: PreflightContext) => judge(ctx).findings.map((f) => `${f.severity} ${f.id}`);

describe('container rules', () => {
  it('a running podman container under runc can start; it is told how it is held, nothing blocks', () => {
    const r = judge(containerContext());
    expect(r.findings.filter((f) => f.severity === 'block')).toEqual([]);
    expect(r.canStart).toBe(true);
    expect(r.findings.find((f) => f.id === 'container.restart-hold')?.message).toMatch(/podman-restart\.service .* waits/);
  });

  it('docker: the restart policy is the hold', () => {
    expect(judge(containerContext('docker')).findings.find((f) => f.id === 'container.restart-hold')?.message).toMatch(
      /set to no from its checkpoint until its restore/,
    );
  });

  it.each<[string, (c: PreflightContext) => void]>([
    [
      'container.oci-runtime-without-criu',
      (c) => {
        c.containers!.containers[0]!.ociRuntime = 'crun';
        c.ociRuntimes = [{ name: 'crun', criu: false, evidence: 'crun --version: +SYSTEMD +SELINUX +APPARMOR +CAP +SECCOMP +EBPF +YAJL' }];
      },
    ],
    [
      'container.checkpoint-unsupported',
      (c) => {
        c.containers!.runtimes[0]!.checkpoint = {
          ok: false,
          reason: 'docker checkpoint needs the daemon in experimental mode',
          fix: 'Add "experimental": true',
        };
      },
    ],
    ['container.unknown', (c) => void (c.containers!.containers = [])],
    ['container.unknown', (c) => void (c.containers!.runtimes[0]!.unavailable = 'the docker daemon does not answer')],
    ['container.not-running', (c) => void (c.containers!.containers[0]!.state = 'exited')],
    ['container.systemd-unit', (c) => void (c.containers!.containers[0]!.unit = 'container-kv.service')],
    ['container.runtime-unsupported', (c) => void (c.selected[0]!.workload = { ...c.selected[0]!.workload, runtime: 'containerd' })],
  ])('%s blocks, with a fix', (id, mutate) => {
    const ctx = containerContext();
    mutate(ctx);
    const r = judge(ctx);
    const f = r.findings.find((x) => x.id === id);
    expect(f?.severity).toBe('block');
    expect(f?.fix.length).toBeGreaterThan(10);
    expect(r.canStart).toBe(false);
  });

  it('docker cannot carry connected TCP; podman can (--tcp-established passed to it)', () => {
    const d = containerContext('docker');
    d.selected[0]!.probe.establishedTcp = 1;
    expect(ids(d)).toContain('block container.docker-tcp');
    const p = containerContext('podman');
    p.selected[0]!.probe.establishedTcp = 1;
    expect(ids(p)).not.toContain('block container.docker-tcp');
    expect(judge(p).criuOptions['container:kv']).toContain('--tcp-established');
  });

  it("files on the container's own tmpfs are carried (info), where a process's would block", () => {
    const ctx = containerContext();
    ctx.selected[0]!.probe.memoryFsFiles.push({ pid: 7000, path: '/dev/shm/kv.lock' });
    expect(ids(ctx)).toContain('info container.tmpfs');
    expect(ids(ctx)).not.toContain('block workload.memory-fs-files');
  });

  it('volumes are named and said to stay on disk', () => {
    const ctx = containerContext('podman', {
      mounts: [{ type: 'volume', name: 'kvdata', source: '/v', destination: '/data', readWrite: true }],
    });
    expect(judge(ctx).findings.find((f) => f.id === 'container.volumes')?.evidence).toBe('volume kvdata → /data');
  });
});
