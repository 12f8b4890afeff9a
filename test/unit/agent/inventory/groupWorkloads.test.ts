import { describe, expect, it } from 'vitest';
import { classifyCgroup } from '../../../../agent/inventory/classifyCgroup';
import { groupWorkloads } from '../../../../agent/inventory/groupWorkloads';
import { processInfo } from '../../../helpers/processInfo';

const MiB = 1024 * 1024;
const proc = processInfo;

const ID = 'c'.repeat(64);
const procs = [
  proc(1, 0, '/init.scope'),
  proc(2, 0, null, 0, { kernelThread: true, memory: null }),
  proc(100, 1, '/system.slice/redis-server.service', 300),
  proc(101, 100, '/system.slice/redis-server.service', 1),
  proc(200, 1, `/system.slice/docker-${ID}.scope`, 50),
  proc(300, 1, '/user.slice/user-1000.slice/session-4.scope', 2),
  proc(301, 300, '/user.slice/user-1000.slice/session-4.scope', 2),
  proc(400, 1, '/', 200),
  proc(401, 400, '/', 20),
  proc(402, 401, '/', 1),
  proc(500, 1, '/', 5),
];

describe('groupWorkloads', () => {
  const workloads = groupWorkloads(
    procs.map((info) => ({ info, cls: classifyCgroup(info.cgroup) })),
    {
      containerLabel: () => ({ name: 'web', image: 'nginx:1.25' }),
      pageCache: (cgroup) => ({ known: false, reason: `asked for ${cgroup}` }),
    },
  );
  const byId = new Map(workloads.map((w) => [w.id, w]));

  it('makes services, containers, sessions and trees, never init or kernel threads', () => {
    expect(workloads.map((w) => w.id).sort()).toEqual(['container:web', 'pid:400', 'pid:500', 'session:4', 'unit:redis-server.service']);
  });

  it('sums the footprint of every process in a workload and finds its root', () => {
    const redis = byId.get('unit:redis-server.service')!;
    expect(redis.pids).toEqual([100, 101]);
    expect(redis.rootPid).toBe(100);
    expect(redis.memory.anonBytes).toBe(301 * MiB);
    expect(redis.cgroup).toBe('/system.slice/redis-server.service');
  });

  it('roots an unclassified tree at the child of init and keeps its descendants', () => {
    expect(byId.get('pid:400')!.pids).toEqual([400, 401, 402]);
    expect(byId.get('pid:400')!.memory.anonBytes).toBe(221 * MiB);
    expect(byId.get('pid:500')!.pids).toEqual([500]);
  });

  it('names containers by their runtime name and keeps id and image', () => {
    expect(byId.get('container:web')).toMatchObject({
      kind: 'container',
      runtime: 'docker',
      image: 'nginx:1.25',
      containerId: ID,
      cgroup: `/system.slice/docker-${ID}.scope`,
    });
  });

  it('asks for page cache by the workload cgroup, and says why for root-cgroup trees', () => {
    expect(byId.get('unit:redis-server.service')!.pageCache).toEqual({
      known: false,
      reason: 'asked for /system.slice/redis-server.service',
    });
    expect(byId.get('pid:400')!.pageCache).toMatchObject({ known: false, reason: expect.stringContaining('root cgroup') });
  });

  it('orders by PSS, largest first', () => {
    expect(workloads[0]!.id).toBe('unit:redis-server.service');
  });
});
