// Why: the new kernel boots with today's command line changed (the store's reservation carried,
// seamless.restore added, an earlier one dropped): the admin sees exactly which words differ.
export type CmdlinePart = { word: string; change: 'same' | 'added' | 'removed' };

/** Word-level difference, in the new line's order, then the words it no longer has. */
export function cmdlineDiff(current: string, next: string): CmdlinePart[] {
  const before = current.trim().split(/\s+/).filter(Boolean);
  const after = next.trim().split(/\s+/).filter(Boolean);
  const had = new Set(before);
  const has = new Set(after);
  return [
    ...after.map((word): CmdlinePart => ({ word, change: had.has(word) ? 'same' : 'added' })),
    ...before.filter((w) => !has.has(w)).map((word): CmdlinePart => ({ word, change: 'removed' })),
  ];
}
