import { describe, expect, it } from 'vitest';
import { classifyCgroup } from '../../../../agent/inventory/classifyCgroup';
import { containerLabel, dockerLabel, podmanLabel, containerdLabel } from '../../../../agent/inventory/containerNames';
import { parseMemoryStat } from '../../../../agent/inventory/memoryStat';

const ID = 'a'.repeat(64);

describe('classifyCgroup', () => {
  it.each([
    ['/system.slice/redis-server.service', { kind: 'service', unit: 'redis-server.service' }],
    ['/system.slice/lab-memload@256M.service', { kind: 'service', unit: 'lab-memload@256M.service' }],
    ['/system.slice/system-getty.slice/getty@tty1.service', { kind: 'service', unit: 'getty@tty1.service' }],
    ['/system.slice/containerd.service/sub', { kind: 'service', unit: 'containerd.service' }],
    [`/system.slice/docker-${ID}.scope`, { kind: 'container', runtime: 'docker', containerId: ID }],
    [`/docker/${ID}`, { kind: 'container', runtime: 'docker', containerId: ID }],
    [`/machine.slice/libpod-${ID}.scope/container`, { kind: 'container', runtime: 'podman', containerId: ID }],
    [
      `/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope`,
      { kind: 'container', runtime: 'podman', containerId: ID },
    ],
    [
      `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod1234_5678.slice/cri-containerd-${ID}.scope`,
      { kind: 'container', runtime: 'containerd', containerId: ID },
    ],
    [`/kubepods/besteffort/pod0f1e2d3c-1111-2222-3333-444455556666/${ID}`, { kind: 'container', runtime: 'containerd', containerId: ID }],
    ['/lxc.payload.web1/init.scope', { kind: 'container', runtime: 'lxc', containerId: 'web1' }],
    ['/lxc/db', { kind: 'container', runtime: 'lxc', containerId: 'db' }],
    ['/user.slice/user-1000.slice/session-3.scope', { kind: 'session', uid: 1000, session: '3' }],
    [
      '/user.slice/user-1000.slice/user@1000.service/app.slice/pipewire.service',
      { kind: 'user-service', uid: 1000, unit: 'pipewire.service' },
    ],
    ['/init.scope', { kind: 'init' }],
    ['/', { kind: 'other' }],
    [`/machine.slice/libpod-conmon-${ID}.scope`, { kind: 'other' }],
    [null, { kind: 'other' }],
  ])('%s', (path, expected) => {
    expect(classifyCgroup(path)).toEqual(expected);
  });
});

describe('container labels from runtime state files', () => {
  const files: Record<string, string> = {
    [`/var/lib/docker/containers/${ID}/config.v2.json`]: JSON.stringify({ Name: '/web', Config: { Image: 'nginx:1.25' } }),
    '/var/lib/containers/storage/overlay-containers/containers.json': JSON.stringify([{ id: ID, names: ['pg'], image: 'img1' }]),
    '/var/lib/containers/storage/overlay-images/images.json': JSON.stringify([{ id: 'img1', names: ['docker.io/library/postgres:16'] }]),
    [`/run/containerd/io.containerd.runtime.v2.task/k8s.io/${ID}/config.json`]: JSON.stringify({
      annotations: {
        'io.kubernetes.cri.container-name': 'api',
        'io.kubernetes.cri.sandbox-name': 'api-7d9',
        'io.kubernetes.cri.image-name': 'registry/api:2',
      },
    }),
  };
  const read = (p: string) => files[p] ?? null;

  it('reads docker, podman and containerd names and images', () => {
    expect(dockerLabel(ID, read)).toEqual({ name: 'web', image: 'nginx:1.25' });
    expect(podmanLabel(ID, read)).toEqual({ name: 'pg', image: 'docker.io/library/postgres:16' });
    expect(containerdLabel(ID, read)).toEqual({ name: 'api-7d9/api', image: 'registry/api:2' });
  });

  it('falls back to the short id when the state is missing or broken', () => {
    expect(containerLabel('docker', 'b'.repeat(64), () => '{not json')).toEqual({ name: 'b'.repeat(12), image: null });
    expect(containerLabel('lxc', 'web1', () => null)).toEqual({ name: 'web1', image: null });
  });
});

describe('parseMemoryStat', () => {
  it('reads cgroup v2 counters', () => {
    const text = 'anon 1000\nfile 67108864\nfile_dirty 4096\nfile_writeback 0\nactive_file 1000\ninactive_file 67107864\n';
    expect(parseMemoryStat(text, 2)).toEqual({
      fileBytes: 67108864,
      fileDirtyBytes: 4096,
      fileWritebackBytes: 0,
      activeFileBytes: 1000,
      inactiveFileBytes: 67107864,
    });
  });

  it('reads cgroup v1 counters, preferring the hierarchical totals', () => {
    const text =
      'cache 100\ndirty 1\nwriteback 2\nactive_file 3\ninactive_file 4\ntotal_cache 200\ntotal_dirty 10\ntotal_writeback 20\ntotal_active_file 30\ntotal_inactive_file 40\n';
    expect(parseMemoryStat(text, 1)).toEqual({
      fileBytes: 200,
      fileDirtyBytes: 10,
      fileWritebackBytes: 20,
      activeFileBytes: 30,
      inactiveFileBytes: 40,
    });
  });

  it('returns null when the counters are absent', () => {
    expect(parseMemoryStat('anon 1\n', 2)).toBeNull();
  });
});
