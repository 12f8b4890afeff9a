// Why: after a large answer (a 10,000-process inventory is 5.5 MiB of JSON made in pieces) V8
// keeps the garbage and the grown heap until some later collection; the agent's RSS would ratchet
// up with every such request. A full collection right after the answer gives the memory back.
// `gc` is only exposed to contexts created after --expose-gc is set, hence the small context.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('gc') as () => void;
    } catch {
      gc = null; // a Node without the flag: V8 collects on its own schedule
    }
  }
  gc?.();
}
