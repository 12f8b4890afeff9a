import { describe, expect, it } from 'vitest';
import { pollOverlapping } from './pollOverlapping.js';

const after = <T>(ms: number, value: T): Promise<T> => new Promise((r) => setTimeout(() => r(value), ms));

describe('pollOverlapping', () => {
  it('answers with a later attempt while an earlier one still hangs (a SYN in backoff)', async () => {
    let n = 0;
    const t0 = Date.now();
    const v = await pollOverlapping(() => (++n === 1 ? after(5000, 'first') : after(10, `attempt ${n}`)), {
      everyMs: 50,
      maxInFlight: 3,
      timeoutMs: 2000,
    });
    expect(v).toBe('attempt 2');
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('never has more than maxInFlight attempts at once', async () => {
    let inFlight = 0;
    let most = 0;
    const v = await pollOverlapping(
      async () => {
        most = Math.max(most, ++inFlight);
        await after(100, null);
        inFlight--;
        return undefined;
      },
      { everyMs: 10, maxInFlight: 2, timeoutMs: 300 },
    );
    expect(v).toBeUndefined();
    expect(most).toBe(2);
  });

  it('ends with the error of an attempt that rejects, and of a failed check', async () => {
    await expect(
      pollOverlapping(() => Promise.reject(new Error('host key mismatch')), { everyMs: 10, maxInFlight: 2, timeoutMs: 500 }),
    ).rejects.toThrow('host key mismatch');
    await expect(
      pollOverlapping(() => after(50, undefined), {
        everyMs: 10,
        maxInFlight: 1,
        timeoutMs: 500,
        check: () => {
          throw new Error('QEMU exited');
        },
      }),
    ).rejects.toThrow('QEMU exited');
  });
});
