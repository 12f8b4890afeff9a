import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeFields, encodeFields, varintOf } from '../../../../agent/criu/protoWire';
import { windowScaleOf, withZeroWindowScale, zeroUnscaledWindows } from '../../../../agent/criu/tcpStreamImage';

// Captured on the lab (test/fixtures/criu/README.md).
const fixture = (name: string) => join(__dirname, '../../../fixtures/criu', name);
const unscaled = readFileSync(fixture('tcp-stream-unscaled.img'));
const scaled = readFileSync(fixture('tcp-stream-scaled.img'));
const entryOf = (img: Buffer) => decodeFields(img.subarray(12, 12 + img.readUInt32LE(8)));

describe('protoWire', () => {
  it('reads a real entry and writes it back byte for byte', () => {
    for (const img of [unscaled, scaled]) {
      const msg = img.subarray(12, 12 + img.readUInt32LE(8));
      expect(encodeFields(decodeFields(msg)).equals(msg)).toBe(true);
    }
    // as crit decodes them: inq_len 6, mss_clamp 1460; the loopback one's rcv_wnd 65483
    expect(varintOf(entryOf(unscaled), 1)).toBe(6);
    expect(varintOf(entryOf(unscaled), 7)).toBe(1460);
    expect(varintOf(entryOf(scaled), 16)).toBe(65483);
  });

  it('refuses a truncated message', () => {
    const msg = unscaled.subarray(12, 12 + unscaled.readUInt32LE(8));
    expect(() => decodeFields(msg.subarray(0, msg.length - 1))).toThrow(/past the end/);
  });
});

describe('tcp-stream images: a connection without window scaling', () => {
  it('gets scaling on with both shifts 0; every other field and the queued bytes are kept', () => {
    expect(windowScaleOf(unscaled)).toBeNull();
    const out = withZeroWindowScale(unscaled)!;
    expect(windowScaleOf(out)).toEqual({ snd: 0, rcv: 0 });
    const before = entryOf(unscaled);
    const after = entryOf(out);
    expect(varintOf(after, 5)).toBe(4); // opt_mask 0x0 → TCPI_OPT_WSCALE
    for (const no of [1, 2, 3, 4, 7, 11, 12, 13, 14, 15, 16, 17]) expect(varintOf(after, no)).toBe(varintOf(before, no));
    // the 6 bytes redis had not read yet follow the entry, unchanged
    expect(out.subarray(-6).toString()).toBe('PING\r\n');
    expect(out.subarray(0, 8).equals(unscaled.subarray(0, 8))).toBe(true);
  });

  it('leaves a connection that negotiated scaling as it is', () => {
    expect(windowScaleOf(scaled)).toEqual({ snd: 7, rcv: 7 });
    expect(withZeroWindowScale(scaled)).toBeNull();
  });

  it('refuses a file that is not a tcp-stream image, naming it', () => {
    const other = Buffer.from(unscaled);
    other.writeUInt32LE(0x12345678, 4);
    expect(() => withZeroWindowScale(other, 'tcp-stream-1.img')).toThrow(/tcp-stream-1.img is not a CRIU tcp-stream image/);
    expect(() => withZeroWindowScale(unscaled.subarray(0, 20), 'x.img')).toThrow(/runs past the end/);
  });
});

describe('zeroUnscaledWindows', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('rewrites the unscaled connections of a dump directory, root-only, and nothing else', () => {
    dir = mkdtempSync(join(tmpdir(), 'tcp-stream-'));
    copyFileSync(fixture('tcp-stream-unscaled.img'), join(dir, 'tcp-stream-5175.img'));
    copyFileSync(fixture('tcp-stream-scaled.img'), join(dir, 'tcp-stream-4ecf.img'));
    writeFileSync(join(dir, 'pages-1.img'), 'not touched');
    expect(zeroUnscaledWindows(dir)).toEqual(['tcp-stream-5175.img']);
    expect(windowScaleOf(readFileSync(join(dir, 'tcp-stream-5175.img')))).toEqual({ snd: 0, rcv: 0 });
    expect(statSync(join(dir, 'tcp-stream-5175.img')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, 'tcp-stream-4ecf.img')).equals(scaled)).toBe(true);
    // run again (a retried dump, say): nothing left to change
    expect(zeroUnscaledWindows(dir)).toEqual([]);
  });
});
