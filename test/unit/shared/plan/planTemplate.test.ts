import { describe, expect, it } from 'vitest';
import {
  buildPlanTemplate,
  compareKernelVersions,
  parsePlanTemplate,
  resolvePlanTemplate,
  type PlanTemplate,
  type PlanTemplateInput,
  planTemplateSchema,
} from '../../../../shared/plan/planTemplate';
import type { Inventory, Workload } from '../../../../shared/domain/inventory';
import { sampleFacts } from '../../../helpers/sampleFacts';
import { sampleInventory } from '../../../helpers/sampleInventory';

const NOW = new Date('2026-12-04T20:00:00Z');

function template(over: Partial<PlanTemplateInput> = {}): PlanTemplate {
  return planTemplateSchema.parse({
    version: 1,
    kind: 'plan-template',
    createdAt: '2026-12-04T19:00:00Z',
    workloads: ['unit:redis-server'],
    kernel: { newest: true },
    ...over,
  });
}

/** The sample inventory with services and containers of these ids beside its tree. */
function inventoryWith(...ids: string[]): Inventory {
  const inv = sampleInventory(64, 'tree');
  const base = inv.workloads[0]!;
  const extra: Workload[] = ids.map((id, i) => ({
    ...base,
    id,
    kind: id.startsWith('container:') ? 'container' : 'service',
    name: id.slice(id.indexOf(':') + 1),
    rootPid: 700 + i,
    pids: [700 + i],
  }));
  return { ...inv, workloads: [...inv.workloads, ...extra] };
}

const kernel = (version: string, running = false) => ({
  version,
  image: `/boot/vmlinuz-${version}`,
  initrd: `/boot/initrd.img-${version}`,
  config: `/boot/config-${version}`,
  running,
});

describe('plan templates: the schema', () => {
  it('refuses host-specific selectors (pid:, session:) with a message saying why', () => {
    for (const sel of ['pid:852', 'session:3']) {
      const parsed = parsePlanTemplate(JSON.stringify({ ...template(), workloads: ['unit:redis', sel] }));
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.message).toContain('workloads.1: pid:N and session:ID name one host’s processes');
    }
  });

  it('fills the defaults (pmem store of each host, no health checks) and refuses another version', () => {
    const t = template();
    expect(t.store).toEqual({ kind: 'pmem' });
    expect(t.healthChecks).toEqual([]);
    expect(t.cmdline).toBeNull();
    const other = parsePlanTemplate(JSON.stringify({ ...t, version: 2 }));
    expect(other).toEqual({ ok: false, message: 'the template has version 2; this Seamless reads version 1' });
    expect(parsePlanTemplate('{').ok).toBe(false);
  });

  it('buildPlanTemplate takes the CLI words: newest, a release, pmem, a directory, health checks', () => {
    const built = buildPlanTemplate({
      selectors: ['unit:redis-server', 'container:web'],
      kernel: 'newest',
      store: '/var/lib/seamless/images',
      healthChecks: [{ name: 'redis', command: 'redis-cli ping' }],
      now: NOW,
    });
    expect(built.ok && built.template).toMatchObject({
      kind: 'plan-template',
      createdAt: NOW.toISOString(),
      kernel: { newest: true },
      store: { kind: 'dir', path: '/var/lib/seamless/images' },
      healthChecks: [{ name: 'redis', command: 'redis-cli ping', timeoutSeconds: 60 }],
    });
    const release = buildPlanTemplate({ selectors: ['unit:a'], kernel: '6.1.0-50-amd64', store: '/dev/pmem1' });
    expect(release.ok && release.template).toMatchObject({
      kernel: { release: '6.1.0-50-amd64' },
      store: { kind: 'pmem', device: '/dev/pmem1' },
    });
    expect(buildPlanTemplate({ selectors: ['unit:a'], kernel: 'newest', store: 'disk' })).toEqual({
      ok: false,
      message: 'store: a store is "pmem", /dev/pmemN or an absolute directory, not "disk"',
    });
    expect(buildPlanTemplate({ selectors: ['pid:4'], kernel: 'newest' }).ok).toBe(false);
  });
});

describe('kernel versions', () => {
  it('compares numerically, not as text', () => {
    expect(compareKernelVersions('6.1.0-50-amd64', '6.1.0-9-amd64')).toBe(1);
    expect(compareKernelVersions('6.1.0-9-amd64', '6.1.0-50-amd64')).toBe(-1);
    expect(compareKernelVersions('6.10.0-1-amd64', '6.9.0-30-amd64')).toBe(1);
    expect(compareKernelVersions('6.5.6-300.fc39.x86_64', '6.5.12-100.fc39.x86_64')).toBe(-1);
    expect(compareKernelVersions('6.1.0-50-amd64', '6.1.0-50-cloud-amd64')).toBe(0);
  });
});

describe('resolvePlanTemplate', () => {
  it('resolves units and containers to the names the host has, the newest kernel with its initrd, the host’s pmem', () => {
    const r = resolvePlanTemplate(
      template({ workloads: ['unit:redis-server', 'container:web', 'unit:lab.service'] }),
      sampleFacts({ hostname: 'db1' }),
      inventoryWith('unit:redis-server.service', 'container:web', 'unit:lab.service'),
      'db1',
      NOW,
    );
    expect(r).toEqual({
      ok: true,
      plan: expect.objectContaining({
        version: 1,
        host: 'db1',
        createdAt: NOW.toISOString(),
        workloads: ['unit:redis-server.service', 'container:web', 'unit:lab.service'],
        kernel: {
          release: '6.1.0-50-amd64',
          image: '/boot/vmlinuz-6.1.0-50-amd64',
          initrd: '/boot/initrd.img-6.1.0-50-amd64',
          cmdline: null,
        },
        store: { kind: 'pmem', device: '/dev/pmem0' },
      }),
    });
  });

  it('takes the highest version as the newest (6.1.0-50 over 6.1.0-9), whatever order /boot lists them in', () => {
    const facts = sampleFacts({
      kernel: { ...sampleFacts().kernel, release: '6.1.0-9-amd64' },
      bootKernels: [kernel('6.1.0-50-amd64'), kernel('6.1.0-9-amd64', true), kernel('6.1.0-10-amd64')],
    });
    const r = resolvePlanTemplate(template(), facts, inventoryWith('unit:redis-server.service'), 'db1', NOW);
    expect(r.ok && r.plan.kernel.release).toBe('6.1.0-50-amd64');
  });

  it('a host that already runs the newest installed kernel is a problem, never a guess', () => {
    const facts = sampleFacts({
      kernel: { ...sampleFacts().kernel, release: '6.1.0-50-amd64' },
      bootKernels: [kernel('6.1.0-47-amd64'), kernel('6.1.0-50-amd64', true)],
    });
    const r = resolvePlanTemplate(template(), facts, inventoryWith('unit:redis-server.service'), 'db1', NOW);
    expect(r).toEqual({
      ok: false,
      problems: [
        { code: 'kernel.already-running', message: 'db1 already runs the newest installed kernel 6.1.0-50-amd64: nothing to upgrade.' },
      ],
    });
  });

  it('names a missing unit or container with what the host has that is close, and every other problem too', () => {
    const r = resolvePlanTemplate(
      template({ workloads: ['unit:redis-server', 'container:web', 'unit:postgresql'], kernel: { release: '6.2.0-1-amd64' } }),
      sampleFacts({ pmem: { ...sampleFacts().pmem, devices: [] } }),
      inventoryWith('unit:redis.service', 'container:web-1', 'container:db'),
      'db1',
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.code)).toEqual([
      'workload.not-found',
      'workload.not-found',
      'workload.not-found',
      'kernel.not-installed',
      'store.no-pmem',
    ]);
    expect(r.problems[0]!.message).toBe('Nothing running on db1 is unit:redis-server (redis-server.service); close: unit:redis.service.');
    expect(r.problems[1]!.message).toBe('Nothing running on db1 is container:web; close: container:web-1.');
    expect(r.problems[2]!.message).toBe(
      'Nothing running on db1 is unit:postgresql (postgresql.service); no services with a close name (1 running).',
    );
    expect(r.problems[3]!.message).toBe(
      'Kernel 6.2.0-1-amd64 is not installed in /boot on db1 (installed: 6.1.0-47-amd64, 6.1.0-50-amd64).',
    );
  });

  it('a named release that is the running one, or a newest older than the running kernel, are problems', () => {
    const running = resolvePlanTemplate(
      template({ kernel: { release: '6.1.0-47-amd64' } }),
      sampleFacts(),
      inventoryWith('unit:redis-server.service'),
      'db1',
    );
    expect(!running.ok && running.problems.map((p) => p.code)).toEqual(['kernel.already-running']);
    const custom = sampleFacts({
      kernel: { ...sampleFacts().kernel, release: '6.12.0-1-amd64' },
      bootKernels: [kernel('6.1.0-50-amd64')],
    });
    const older = resolvePlanTemplate(template(), custom, inventoryWith('unit:redis-server.service'), 'db1');
    expect(!older.ok && older.problems.map((p) => p.code)).toEqual(['kernel.older-than-running']);
  });

  it('an image by path is kept (the release and initrd /boot pairs with it, when it is there)', () => {
    const inv = inventoryWith('unit:redis-server.service');
    const there = resolvePlanTemplate(template({ kernel: { image: '/boot/vmlinuz-6.1.0-50-amd64' } }), sampleFacts(), inv, 'h');
    expect(there.ok && there.plan.kernel).toEqual({
      release: '6.1.0-50-amd64',
      image: '/boot/vmlinuz-6.1.0-50-amd64',
      initrd: '/boot/initrd.img-6.1.0-50-amd64',
      cmdline: null,
    });
    const custom = resolvePlanTemplate(template({ kernel: { image: '/srv/k/vmlinuz', initrd: '/srv/k/initrd' } }), sampleFacts(), inv, 'h');
    expect(custom.ok && custom.plan.kernel).toEqual({ release: null, image: '/srv/k/vmlinuz', initrd: '/srv/k/initrd', cmdline: null });
    const running = resolvePlanTemplate(template({ kernel: { image: '/boot/vmlinuz-6.1.0-47-amd64' } }), sampleFacts(), inv, 'h');
    expect(!running.ok && running.problems.map((p) => p.code)).toEqual(['kernel.already-running']);
  });

  it('the newest version in two flavours takes the running flavour, else it is ambiguous', () => {
    const boot = [kernel('6.1.0-47-amd64', true), kernel('6.1.0-50-amd64'), kernel('6.1.0-50-rt-amd64')];
    const ok = resolvePlanTemplate(template(), sampleFacts({ bootKernels: boot }), inventoryWith('unit:redis-server.service'), 'h');
    expect(ok.ok && ok.plan.kernel.release).toBe('6.1.0-50-amd64');
    const cloud = sampleFacts({ kernel: { ...sampleFacts().kernel, release: '6.1.0-47-cloud-amd64' }, bootKernels: boot });
    const amb = resolvePlanTemplate(template(), cloud, inventoryWith('unit:redis-server.service'), 'h');
    expect(!amb.ok && amb.problems.map((p) => p.code)).toEqual(['kernel.ambiguous']);
  });
});
