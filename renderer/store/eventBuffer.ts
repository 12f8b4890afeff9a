// Why: the controller may push many events per second during an upgrade (progress, logs).
// Applying each with its own store update would re-render the UI for every one; they are
// buffered outside React and applied in one update per animation frame.
export function createEventBuffer<E>(apply: (batch: E[]) => void, schedule: (cb: () => void) => void) {
  let batch: E[] = [];
  let scheduled = false;
  return (event: E) => {
    batch.push(event);
    if (scheduled) return;
    scheduled = true;
    schedule(() => {
      const current = batch;
      batch = [];
      scheduled = false;
      apply(current);
    });
  };
}
