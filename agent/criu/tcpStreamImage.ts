// Why: CRIU 3.17 restores a TCP connection whose peer negotiated no window scaling (RFC 7323)
// without saying so to the kernel: TCP_REPAIR_OPTIONS gets no TCPOPT_WINDOW, and the repaired
// socket keeps the receive scale the kernel chose for its own SYN, which the peer never answered.
// It then advertises its window shifted by that scale (64 KiB becomes 4 bytes), and the peer sends
// each request in 4-byte pieces, one per persist-timer probe: 5 to 20 s per redis command on the
// lab, whose peer (QEMU's user-mode network) never scales; any such peer (an embedded stack, a
// middlebox that strips the option) would see the same. Such a connection's image is rewritten
// after the dump to say "scaling on, both shifts 0": the kernel accepts that, and it means no
// scaling at all, so the restored socket advertises its real window. The receive and send queues
// that follow the entry in the image are kept as they are.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeDurable } from '../upgrade/state';
import { decodeFields, encodeFields, setVarint, varintOf } from './protoWire';

const IMG_COMMON_MAGIC = 0x54564319;
const TCP_STREAM_MAGIC = 0x51465506;
/** tcp_stream_entry (images/tcp-stream.proto): opt_mask = 5, snd_wscale = 6, rcv_wscale = 8. */
const OPT_MASK = 5;
const SND_WSCALE = 6;
const RCV_WSCALE = 8;
/** TCPI_OPT_WSCALE in opt_mask (linux/tcp.h). */
const TCPI_OPT_WSCALE = 4;

/** The entry's fields and where the queued bytes after it begin. Throws on anything but a tcp-stream image. */
function readEntry(img: Buffer, name: string) {
  if (img.length < 12 || img.readUInt32LE(0) !== IMG_COMMON_MAGIC || img.readUInt32LE(4) !== TCP_STREAM_MAGIC)
    throw new Error(`${name} is not a CRIU tcp-stream image (its magic is not TCP_STREAM)`);
  const size = img.readUInt32LE(8);
  if (12 + size > img.length) throw new Error(`${name}: its entry (${size} bytes) runs past the end of the file`);
  return { fields: decodeFields(img.subarray(12, 12 + size)), rest: img.subarray(12 + size) };
}

/** The connection's window scales as the image records them, or null when the peer negotiated none. */
export function windowScaleOf(img: Buffer, name = 'the image'): { snd: number; rcv: number } | null {
  const { fields } = readEntry(img, name);
  if (((varintOf(fields, OPT_MASK) ?? 0) & TCPI_OPT_WSCALE) === 0) return null;
  return { snd: varintOf(fields, SND_WSCALE) ?? 0, rcv: varintOf(fields, RCV_WSCALE) ?? 0 };
}

/** The image with "window scaling, shifts 0 and 0" when it had none; null when it needs no change. */
export function withZeroWindowScale(img: Buffer, name = 'the image'): Buffer | null {
  const { fields, rest } = readEntry(img, name);
  const mask = varintOf(fields, OPT_MASK) ?? 0;
  if (mask & TCPI_OPT_WSCALE) return null;
  let out = setVarint(fields, OPT_MASK, mask | TCPI_OPT_WSCALE);
  out = setVarint(out, SND_WSCALE, 0);
  out = setVarint(out, RCV_WSCALE, 0);
  const entry = encodeFields(out);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(entry.length);
  return Buffer.concat([img.subarray(0, 8), size, entry, rest]);
}

/**
 * Rewrites every tcp-stream image in a dump directory whose connection has no window scaling
 * (see above); returns their names. Atomic per file (the old image or the new one), root's alone
 * (0600); made durable by the checkpoint's syncfs of the store, like the dump itself.
 */
export function zeroUnscaledWindows(dir: string): string[] {
  const fixed: string[] = [];
  for (const name of readdirSync(dir)
    .filter((n) => /^tcp-stream-[0-9a-f]+\.img$/.test(n))
    .sort()) {
    const path = join(dir, name);
    const next = withZeroWindowScale(readFileSync(path), name);
    if (!next) continue;
    writeDurable(path, next, { sync: false });
    fixed.push(name);
  }
  return fixed;
}
