// What a container's row says beside its name: runtime, restart policy, OCI runtime and managing
// unit as the runtime reports them; and, until the runtime answered or when it cannot, why not.
import { describe, expect, it } from 'vitest';
import { containerLine } from '../../../renderer/features/workloads/workloadRows';
import type { Containers } from '../../../shared/domain/containers';
import type { Workload } from '../../../shared/domain/inventory';

const ID = 'd'.repeat(64);
const w: Workload = {
  id: 'container:web',
  kind: 'container',
  name: 'web',
  runtime: 'docker',
  image: 'nginx',
  containerId: ID,
  cgroup: `/system.slice/docker-${ID}.scope`,
  rootPid: 900,
  pids: [900],
  memory: { rssBytes: 1, pssBytes: 1, anonBytes: 1, fileBytes: 0, shmemBytes: 0, swapBytes: 0 },
  pageCache: { known: false, reason: 'test' },
};
const runtime = {
  runtime: 'docker' as const,
  version: 'Docker version 20.10.24',
  unavailable: null,
  checkpoint: { ok: true, reason: null, fix: null },
};
const container = {
  runtime: 'docker' as const,
  id: ID,
  name: 'web',
  image: 'nginx',
  state: 'running',
  pid: 900,
  restartPolicy: 'unless-stopped' as const,
  ports: [],
  mounts: [],
  unit: null,
  ociRuntime: 'runc',
  stateDir: `/var/lib/docker/containers/${ID}`,
  appArmorProfile: 'docker-default',
};

describe('containerLine', () => {
  it('says runtime, restart policy and OCI runtime; and the unit when one manages it', () => {
    const all: Containers = { runtimes: [runtime], containers: [container] };
    expect(containerLine(w, all)).toBe('docker · restart unless-stopped · runc');
    expect(containerLine(w, { ...all, containers: [{ ...container, unit: 'container-web.service' }] })).toBe(
      'docker · restart unless-stopped · runc · unit container-web.service',
    );
  });

  it('says why it does not know: not asked yet, or the runtime does not answer', () => {
    expect(containerLine(w, null)).toBe('docker (asking the runtime…)');
    expect(containerLine(w, { runtimes: [{ ...runtime, unavailable: 'the docker daemon does not answer' }], containers: [] })).toBe(
      'docker (the docker daemon does not answer)',
    );
  });

  it('is nothing for other workloads', () => {
    expect(containerLine({ ...w, kind: 'service', id: 'unit:x.service' }, null)).toBeNull();
  });
});
