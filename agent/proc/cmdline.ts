// Why: a command line is whatever bytes a process put there: NUL-separated, possibly invalid
// UTF-8, with newlines, megabytes long. The inventory must show it faithfully but bounded, and
// never break on it.

export const MAX_CMDLINE_BYTES = 64 * 1024;

export function parseCmdline(raw: Buffer): { args: string[]; truncated: boolean } {
  const truncated = raw.length > MAX_CMDLINE_BYTES;
  let bytes = truncated ? raw.subarray(0, MAX_CMDLINE_BYTES) : raw;
  if (bytes.length > 0 && bytes[bytes.length - 1] === 0) bytes = bytes.subarray(0, bytes.length - 1);
  if (bytes.length === 0) return { args: [], truncated };
  // TextDecoder (non-fatal) replaces invalid sequences with U+FFFD.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  return { args: text.split('\0'), truncated };
}
