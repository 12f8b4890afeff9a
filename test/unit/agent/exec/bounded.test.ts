// forEachBounded: never more than the limit at once, every item once, and after a failure
// nothing new starts while the runs under way end before the error is thrown.
import { describe, expect, it } from 'vitest';
import { criuConcurrency, forEachBounded } from '../../../../agent/exec/bounded';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('forEachBounded', () => {
  it('runs every item once, at most `limit` at once', async () => {
    let running = 0;
    let peak = 0;
    const done: number[] = [];
    await forEachBounded([1, 2, 3, 4, 5, 6, 7], 3, async (i) => {
      running++;
      peak = Math.max(peak, running);
      await tick(5 + (i % 3) * 3);
      running--;
      done.push(i);
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(peak).toBe(3);
  });

  it('after a failure starts nothing new, lets the runs under way finish, then throws the first error', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const run = forEachBounded([1, 2, 3, 4, 5], 2, async (i) => {
      started.push(i);
      if (i === 1) throw new Error('one failed');
      await tick(20);
      finished.push(i);
    });
    await expect(run).rejects.toThrow('one failed');
    // 1 failed at once: its lane starts nothing more, and 2's lane sees the failure when 2 ends.
    expect(started).toEqual([1, 2]);
    expect(finished).toEqual([2]);
  });

  it('handles no items, and a limit above the count', async () => {
    await forEachBounded([], 4, () => Promise.reject(new Error('never called')));
    const seen: string[] = [];
    await forEachBounded(['a'], 8, async (x) => void seen.push(x));
    expect(seen).toEqual(['a']);
    expect(criuConcurrency()).toBeGreaterThanOrEqual(1);
  });
});
