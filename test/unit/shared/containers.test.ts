// Why: `container inspect` output crosses from the runtime's CLI into the agent; the subset
// read must come out as the admin expects (restart policy, published ports, volumes, the unit
// that manages it) and anything else must be refused with the field named, never guessed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInspect } from '../../../shared/domain/containers';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../../fixtures/containers', name), 'utf8');

describe('container inspect, as podman and docker answer it', () => {
  it('podman 4.3.1 (captured): a created container with a published port, a named volume, a read-only bind and a unit label', () => {
    const r = parseInspect('podman', fixture('podman-4.3.1-inspect-created.json'));
    expect(r).toEqual({
      ok: true,
      containers: [
        {
          runtime: 'podman',
          id: '8f5a328a706f89f729b77c87f3fa580510a80ad2c0abc47681b8442e89ee18e6',
          name: 'kv1',
          image: 'localhost/lab-kv:latest',
          state: 'created',
          pid: null,
          restartPolicy: 'always',
          ports: [{ container: '7000/tcp', hostIp: '127.0.0.1', hostPort: '17000' }],
          mounts: [
            {
              type: 'volume',
              name: 'kvdata',
              source: '/var/lib/containers/storage/volumes/kvdata/_data',
              destination: '/data',
              readWrite: true,
            },
            { type: 'bind', name: null, source: '/tmp/kvimg', destination: '/host', readWrite: false },
          ],
          unit: 'container-kv1.service',
          ociRuntime: 'crun',
          stateDir:
            '/var/lib/containers/storage/overlay-containers/8f5a328a706f89f729b77c87f3fa580510a80ad2c0abc47681b8442e89ee18e6/userdata',
          appArmorProfile: null,
        },
      ],
    });
  });

  it('refuses what is not inspect output, naming the field', () => {
    expect(parseInspect('docker', 'Error: no such container')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/did not answer JSON/),
    });
    const broken = JSON.parse(fixture('podman-4.3.1-inspect-created.json')) as { State: unknown }[];
    broken[0]!.State = { Pid: 1 };
    expect(parseInspect('podman', JSON.stringify(broken))).toEqual({
      ok: false,
      message: expect.stringMatching(/^podman container inspect: 0\.State\.Status: /),
    });
  });

  it("docker names: the leading slash goes, an empty restart policy is no, its directory is the hostname file's", () => {
    const entry = {
      Id: 'a'.repeat(64),
      Name: '/web',
      Config: { Image: 'nginx' },
      State: { Status: 'running', Pid: 4242 },
      HostConfig: { Runtime: 'runc', RestartPolicy: { Name: '' } },
      HostnamePath: `/var/lib/docker/containers/${'a'.repeat(64)}/hostname`,
    };
    expect(parseInspect('docker', JSON.stringify([entry]))).toMatchObject({
      ok: true,
      containers: [{ name: 'web', image: 'nginx', pid: 4242, restartPolicy: 'no', ports: [], mounts: [], unit: null, ociRuntime: 'runc' }],
    });
    const c = parseInspect('docker', JSON.stringify([entry]));
    expect(c.ok && c.containers[0]?.stateDir).toBe(`/var/lib/docker/containers/${'a'.repeat(64)}`);
  });
});
