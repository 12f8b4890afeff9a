import { describe, expect, it } from 'vitest';
import { createEventBuffer } from '../../../renderer/store/eventBuffer';

describe('createEventBuffer', () => {
  it('applies a burst of events in one batch per frame', () => {
    const frames: (() => void)[] = [];
    const batches: number[][] = [];
    const push = createEventBuffer<number>(
      (b) => batches.push(b),
      (cb) => frames.push(cb),
    );
    for (let i = 0; i < 1000; i++) push(i);
    expect(frames).toHaveLength(1);
    frames.shift()!();
    push(1000);
    frames.shift()!();
    expect(batches.map((b) => b.length)).toEqual([1000, 1]);
  });
});
