import { describe, expect, it } from 'vitest';
import { collectGarbage } from '../../../agent/rpc/collectGarbage';

describe('collectGarbage', () => {
  it('really collects: the heap drops after garbage is made', () => {
    collectGarbage();
    let garbage: string[] | null = Array.from({ length: 200_000 }, (_, i) => `garbage ${i} ${'x'.repeat(40)}`);
    const full = process.memoryUsage().heapUsed;
    expect(garbage).toHaveLength(200_000);
    garbage = null;
    collectGarbage();
    expect(process.memoryUsage().heapUsed).toBeLessThan(full - 8 * 1024 * 1024);
  });
});
