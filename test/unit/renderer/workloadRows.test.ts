// The workloads list as the admin narrows it: by text in the name, selector or image, by kind,
// ordered by memory (largest first) or name; and the selection's total.
import { describe, expect, it } from 'vitest';
import { selectionTotals, workloadRows } from '../../../renderer/features/workloads/workloadRows';
import { sampleInventory } from '../../helpers/sampleInventory';
import type { Workload } from '../../../shared/domain/inventory';

const MiB = 1024 * 1024;
const base = sampleInventory(64).workloads[0]!;
const w = (id: string, name: string, kind: Workload['kind'], rss: number, image: string | null = null): Workload => ({
  ...base,
  id,
  name,
  kind,
  image,
  memory: { ...base.memory, rssBytes: rss * MiB, anonBytes: rss * MiB },
});
const all = [
  w('pid:1', 'bash', 'tree', 5),
  w('unit:redis-server.service', 'redis-server', 'service', 300),
  w('container:web', 'web', 'container', 120, 'nginx:1.25'),
];

describe('workload rows', () => {
  it('orders by resident memory, largest first, by default', () => {
    expect(workloadRows(all, { text: '', kind: 'all', sort: 'rss' }).map((x) => x.id)).toEqual([
      'unit:redis-server.service',
      'container:web',
      'pid:1',
    ]);
    expect(workloadRows(all, { text: '', kind: 'all', sort: 'name' }).map((x) => x.name)).toEqual(['bash', 'redis-server', 'web']);
  });

  it('finds by name, selector or image, case-insensitively, and by kind', () => {
    expect(workloadRows(all, { text: 'REDIS', kind: 'all', sort: 'rss' }).map((x) => x.id)).toEqual(['unit:redis-server.service']);
    expect(workloadRows(all, { text: 'nginx', kind: 'all', sort: 'rss' }).map((x) => x.id)).toEqual(['container:web']);
    expect(workloadRows(all, { text: 'pid:1', kind: 'all', sort: 'rss' }).map((x) => x.id)).toEqual(['pid:1']);
    expect(workloadRows(all, { text: '', kind: 'service', sort: 'rss' }).map((x) => x.id)).toEqual(['unit:redis-server.service']);
    expect(workloadRows(all, { text: 'web', kind: 'service', sort: 'rss' })).toEqual([]);
  });

  it('sums the selection', () => {
    expect(selectionTotals(all, new Set(['pid:1', 'container:web']))).toEqual({ count: 2, rssBytes: 125 * MiB, anonBytes: 125 * MiB });
  });
});
