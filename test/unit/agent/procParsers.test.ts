import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCpuinfo } from '../../../agent/facts/cpuinfo';
import { parseMeminfo } from '../../../agent/facts/meminfo';

const fixture = (name: string) => readFileSync(join(__dirname, '../../fixtures/proc', name), 'utf8');

describe('parseMeminfo', () => {
  it('reads a captured /proc/meminfo (Debian 12 host, kernel 6.18)', () => {
    const m = parseMeminfo(fixture('meminfo.debian12-6.18-x86_64'));
    expect(m.get('MemTotal')).toBe(24684084 * 1024);
    expect(m.get('MemAvailable')).toBeGreaterThan(0);
    // Unit-less fields are counts, not kB.
    expect(m.get('HugePages_Total')).toBe(0);
    expect(m.get('Hugepagesize')).toBe(2048 * 1024);
  });

  it('skips lines it cannot read instead of failing', () => {
    const m = parseMeminfo('MemTotal:       1000 kB\ngarbage line\nDirty: x kB\n');
    expect([...m.entries()]).toEqual([['MemTotal', 1024000]]);
  });
});

describe('parseCpuinfo', () => {
  it('counts the processors of a captured x86-64 /proc/cpuinfo', () => {
    const cpu = parseCpuinfo(fixture('cpuinfo.debian12-6.18-x86_64'));
    expect(cpu).toMatchObject({ count: 2, model: 'AMD EPYC' });
    expect(cpu.flags).toContain('sse2');
  });

  it('reads the arm64 layout (no "model name", processor stanzas with BogoMIPS)', () => {
    const text = 'processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\n\nprocessor\t: 1\nBogoMIPS\t: 50.00\n';
    expect(parseCpuinfo(text)).toEqual({ count: 2, model: null, flags: ['fp', 'asimd'] });
  });

  it('ignores s390-style "processor N:" summary lines', () => {
    expect(parseCpuinfo('vendor_id : IBM/S390\nprocessor 0: version = FF\n').count).toBe(0);
  });
});
