import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../shared/format';

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(25_276_502_016)).toBe('23.5 GiB');
  });
});
