// Why: a few of CRIU's images are rewritten between the dump and the restore (tcpStreamImage.ts).
// They are protobuf messages; this reads one into its fields and writes it back, keeping every
// field it does not change byte for byte, in its order. Only what those images need: varint
// values (uint32, uint64 below 2^53, bool) can be read and set, and a nested message read; other
// wire types pass through untouched.

export interface WireField {
  no: number;
  /** 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. */
  wire: number;
  /** The field's encoding after its key, as it was read (or as set). */
  raw: Buffer;
}

function readVarint(buf: Buffer, at: number): { value: number; end: number } {
  let value = 0;
  for (let i = 0, scale = 1; i < 10; i++, scale *= 128) {
    if (at + i >= buf.length) throw new Error(`protobuf: a varint runs past the end (offset ${at})`);
    const b = buf[at + i]!;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) return { value, end: at + i + 1 };
  }
  throw new Error(`protobuf: a varint longer than 10 bytes (offset ${at})`);
}

function writeVarint(value: number): Buffer {
  const buf = Buffer.alloc(10);
  return buf.subarray(0, putVarint(buf, 0, value));
}

/**
 * A varint written into `buf` at `at` (room for 10 bytes is the caller's); returns the offset after
 * it. For images written whole and large (a page map of thousands of entries): no array or buffer
 * per field.
 */
export function putVarint(buf: Buffer, at: number, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`protobuf: ${value} is not a varint this writer supports`);
  let v = value;
  while (v >= 0x80) {
    buf[at++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[at++] = v;
  return at;
}

/**
 * A message whose fields are all varints, read into `out` by field number (the last one wins, as
 * protobuf reads repeats; fields above `out`'s length are skipped): for images read whole and
 * large, without an object per field or a buffer per message (`msg` from `start` to `end`). False
 * when a field is of another wire type (read that message with decodeFields); throws on a
 * truncated message.
 */
export function readVarintMessage(msg: Buffer, out: (number | undefined)[], start = 0, end = msg.length): boolean {
  out.fill(undefined);
  let at = start;
  while (at < end) {
    let key = 0;
    let value = 0;
    // two varints, inline: the key, then (wire type 0) the value
    for (let field = 0; field < 2; field++) {
      let v = 0;
      for (let i = 0, scale = 1; ; i++, scale *= 128) {
        if (i === 10) throw new Error(`protobuf: a varint longer than 10 bytes (offset ${at - i})`);
        if (at >= end) throw new Error(`protobuf: a varint runs past the end (offset ${at - i})`);
        const b = msg[at++]!;
        v += (b & 0x7f) * scale;
        if (b < 0x80) break;
      }
      if (field === 0) {
        if (v % 8 !== 0) return false;
        key = v;
      } else value = v;
    }
    const no = key / 8;
    if (no < out.length) out[no] = value;
  }
  return true;
}

/** The message's fields in their order; throws on a truncated or malformed message. */
export function decodeFields(msg: Buffer): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  while (at < msg.length) {
    const key = readVarint(msg, at);
    const no = Math.floor(key.value / 8);
    const wire = key.value % 8;
    if (no === 0) throw new Error(`protobuf: field number 0 (offset ${at})`);
    let end: number;
    if (wire === 0) end = readVarint(msg, key.end).end;
    else if (wire === 1) end = key.end + 8;
    else if (wire === 5) end = key.end + 4;
    else if (wire === 2) {
      const len = readVarint(msg, key.end);
      end = len.end + len.value;
    } else throw new Error(`protobuf: wire type ${wire} is not supported (field ${no})`);
    if (end > msg.length) throw new Error(`protobuf: field ${no} runs past the end of the message`);
    fields.push({ no, wire, raw: msg.subarray(key.end, end) });
    at = end;
  }
  return fields;
}

export function encodeFields(fields: readonly WireField[]): Buffer {
  return Buffer.concat(fields.flatMap((f) => [writeVarint(f.no * 8 + f.wire), f.raw]));
}

/** A varint field's value (the last one wins, as protobuf reads repeats), or null when absent. */
export function varintOf(fields: readonly WireField[], no: number): number | null {
  const f = fields.findLast((x) => x.no === no);
  if (!f) return null;
  if (f.wire !== 0) throw new Error(`protobuf: field ${no} is not a varint (wire type ${f.wire})`);
  return readVarint(f.raw, 0).value;
}

/** Sets a varint field: in place where it is, else added after the fields before it in number order. */
export function setVarint(fields: readonly WireField[], no: number, value: number): WireField[] {
  const field: WireField = { no, wire: 0, raw: writeVarint(value) };
  if (fields.some((f) => f.no === no)) return fields.map((f) => (f.no === no ? field : f));
  const i = fields.findIndex((f) => f.no > no);
  return i < 0 ? [...fields, field] : [...fields.slice(0, i), field, ...fields.slice(i)];
}

/** A length-delimited field's message (the last one wins), or null when absent. */
export function messageOf(fields: readonly WireField[], no: number): WireField[] | null {
  const f = fields.findLast((x) => x.no === no);
  if (!f) return null;
  if (f.wire !== 2) throw new Error(`protobuf: field ${no} is not a message (wire type ${f.wire})`);
  const len = readVarint(f.raw, 0); // raw holds the length, then the message
  return decodeFields(f.raw.subarray(len.end, len.end + len.value));
}
