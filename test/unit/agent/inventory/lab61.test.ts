// The parsers on texts captured from the lab VM: Debian 12, kernel 6.1, cgroup v2, a memmap=
// pmem region, redis-server under systemd.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCgroup } from '../../../../agent/proc/cgroup';
import { parseSmapsRollup } from '../../../../agent/proc/smapsRollup';
import { parseStatus } from '../../../../agent/proc/status';
import { parseMemoryStat } from '../../../../agent/inventory/memoryStat';
import { classifyCgroup } from '../../../../agent/inventory/classifyCgroup';
import { parsePmemRegions } from '../../../../agent/facts/iomem';
import { parseMeminfo } from '../../../../agent/facts/meminfo';
import { parseCpuinfo } from '../../../../agent/facts/cpuinfo';

const fx = (name: string) => readFileSync(join(__dirname, '../../../fixtures/proc/lab-6.1-cgv2', name), 'utf8');

describe('captured on the lab (6.1, cgroup v2)', () => {
  it('names redis-server.service from its v2 cgroup, where its memory.stat lives', () => {
    const cg = parseCgroup(fx('cgroup.redis'));
    expect(cg).toEqual({ unit: '/system.slice/redis-server.service', memory: { path: '/system.slice/redis-server.service', version: 2 } });
    expect(classifyCgroup(cg.unit)).toEqual({ kind: 'service', unit: 'redis-server.service' });
  });

  it("reads redis's page-cache counters from its memory.stat", () => {
    const stat = parseMemoryStat(fx('memory.stat.redis'), 2)!;
    expect(stat.fileBytes).toBe(3424256);
    expect(stat.activeFileBytes + stat.inactiveFileBytes).toBeLessThanOrEqual(stat.fileBytes);
  });

  it('reads a 6.1 status and smaps_rollup', () => {
    expect(parseStatus(fx('status.cat'))).toMatchObject({ uid: 0, threads: 1, rssAnonBytes: 92 * 1024, rssFileBytes: 788 * 1024 });
    expect(parseSmapsRollup(fx('smaps_rollup.cat'))).toMatchObject({
      rss: 1656 * 1024,
      pss: 346 * 1024,
      pssAnon: 104 * 1024,
      pssFile: 242 * 1024,
    });
  });

  it('finds the memmap=1G!1G region as legacy persistent memory', () => {
    expect(parsePmemRegions(fx('iomem'))).toEqual({
      regions: [{ start: 0x40000000, end: 0x7fffffff, sizeBytes: 1024 ** 3, kind: 'legacy' }],
      addressesHidden: false,
    });
  });

  it('reads meminfo and cpuinfo of the guest', () => {
    expect(parseMeminfo(fx('meminfo')).get('MemTotal')).toBe(2014148 * 1024);
    expect(parseCpuinfo(fx('cpuinfo')).count).toBe(2);
  });
});
