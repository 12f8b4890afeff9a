import { describe, expect, it } from 'vitest';
import { cmdlineDiff } from '../../../renderer/features/plan/cmdlineDiff';

describe('command line diff', () => {
  it('marks the words the new kernel gains and loses', () => {
    expect(
      cmdlineDiff('root=/dev/vda rw memmap=1536M!1G seamless.restore=u-old', 'root=/dev/vda rw memmap=1536M!1G seamless.restore=u-new'),
    ).toEqual([
      { word: 'root=/dev/vda', change: 'same' },
      { word: 'rw', change: 'same' },
      { word: 'memmap=1536M!1G', change: 'same' },
      { word: 'seamless.restore=u-new', change: 'added' },
      { word: 'seamless.restore=u-old', change: 'removed' },
    ]);
  });
});
