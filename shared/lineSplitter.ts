// Why: both ends of the agent protocol read JSON lines from a byte stream that arrives in
// arbitrary chunks. One splitter, with a bound, so a peer that never sends a newline cannot
// make the other side buffer without limit.
export interface LineSplitter {
  push(chunk: string): void;
  /** Anything left without a final newline (called at end of stream). */
  flush(): void;
}

export function createLineSplitter(
  onLine: (line: string) => void,
  onOverflow: (bytesDropped: number) => void,
  maxLineChars: number,
): LineSplitter {
  let pending = '';
  let dropping = false;
  let dropped = 0;
  return {
    push(chunk: string) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf('\n', start);
        if (nl === -1) break;
        const piece = chunk.slice(start, nl);
        start = nl + 1;
        if (dropping) {
          onOverflow(dropped + piece.length);
          dropping = false;
          dropped = 0;
          continue;
        }
        const line = pending + piece;
        pending = '';
        if (line.length > maxLineChars) onOverflow(line.length);
        else if (line.trim() !== '') onLine(line);
      }
      const rest = chunk.slice(start);
      if (dropping) {
        dropped += rest.length;
      } else if (pending.length + rest.length > maxLineChars) {
        dropping = true;
        dropped = pending.length + rest.length;
        pending = '';
      } else {
        pending += rest;
      }
    },
    flush() {
      if (dropping) onOverflow(dropped);
      else if (pending.trim() !== '') onLine(pending);
      pending = '';
      dropping = false;
      dropped = 0;
    },
  };
}
