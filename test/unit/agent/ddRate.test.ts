// dd's closing line, as coreutils prints it (captured here and on the lab), read into a rate.
import { describe, expect, it } from 'vitest';
import { parseDdRate } from '../../../agent/calibrate/ddRate';

describe('parseDdRate', () => {
  it('reads bytes and seconds from the last "copied" line', () => {
    const out = '8+0 records in\n8+0 records out\n8388608 bytes (8.4 MB, 8.0 MiB) copied, 0.00262 s, 3.2 GB/s\n';
    expect(parseDdRate(out)).toEqual({ bytes: 8388608, seconds: 0.00262, bytesPerS: 8388608 / 0.00262 });
    expect(parseDdRate('1048576 bytes (1.0 MB, 1.0 MiB) copied, 1e-05 s, 105 GB/s')?.seconds).toBe(1e-5);
  });

  it('gives null for a failed dd (no copied line, or nothing copied)', () => {
    expect(parseDdRate("dd: failed to open '/dev/pmem0': No such file or directory\n")).toBeNull();
    expect(parseDdRate('0+0 records in\n0+0 records out\n0 bytes copied, 0.0001 s, 0 kB/s\n')).toBeNull();
  });
});
