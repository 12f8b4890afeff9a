// Why: the agent's only way onto stdout. Messages leave whole and in order, even when one of
// them is a multi-megabyte answer written in pieces while another request finishes; and the
// writer waits for the pipe to drain instead of buffering a large answer in memory.
import { JsonChunks } from './jsonChunks';
import type { Outgoing } from './server';
import { toErrorInfo } from '../../shared/errors';

const RECLAIM_EVERY_CHARS = 2 * 1024 * 1024;

export interface ByteSink {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * While an answer is written in pieces, `reclaim` runs after every RECLAIM_EVERY_CHARS of it and
 * once at its end (the agent collects garbage then: a few milliseconds each, and its RSS stays
 * near what it was before the request).
 */
export function createMessageWriter(out: ByteSink, reclaim?: () => void): (msg: Outgoing) => Promise<void> {
  let tail: Promise<void> = Promise.resolve();

  const put = async (text: string): Promise<void> => {
    if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', resolve));
  };

  const writeOne = async (msg: Outgoing): Promise<void> => {
    if ('result' in msg && msg.result instanceof JsonChunks) {
      await put(`{"id":${msg.id},"result":`);
      try {
        let sinceReclaim = 0;
        for (const chunk of msg.result.chunks()) {
          await put(chunk);
          sinceReclaim += chunk.length;
          if (reclaim && sinceReclaim >= RECLAIM_EVERY_CHARS) {
            reclaim();
            sinceReclaim = 0;
          }
        }
      } catch (err) {
        // Should not happen (the chunks are pure), but a half-written line must still end,
        // and the request still gets its answer.
        await put('\n');
        await put(`${JSON.stringify({ id: msg.id, error: toErrorInfo(err) })}\n`);
        return;
      }
      await put('}\n');
      reclaim?.();
    } else {
      await put(`${JSON.stringify(msg)}\n`);
    }
  };

  return (msg) => {
    const done = tail.then(() => writeOne(msg));
    tail = done.catch(() => undefined);
    return done;
  };
}
