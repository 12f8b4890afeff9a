// Why: an estimate is only as tight as its weakest input. Each input says where it came from;
// a term's range is the widest of its inputs' spreads, and a phase's range is the sum of its
// terms' (so ranges add up honestly, and a default always widens the promise).

export const SOURCES = ['measured', 'dry-run', 'history', 'inventory', 'plan', 'default'] as const;
export type Source = (typeof SOURCES)[number];

/** Multipliers of the midpoint for the low and high end, by source. */
const SPREAD: Record<Source, { low: number; high: number }> = {
  plan: { low: 1, high: 1 },
  measured: { low: 0.85, high: 1.2 },
  'dry-run': { low: 0.85, high: 1.2 },
  history: { low: 0.8, high: 1.3 },
  inventory: { low: 0.8, high: 1.35 },
  default: { low: 0.5, high: 2 },
};

export function spread(sources: readonly Source[]): { low: number; high: number } {
  let low = 1;
  let high = 1;
  for (const s of sources) {
    low = Math.min(low, SPREAD[s].low);
    high = Math.max(high, SPREAD[s].high);
  }
  return { low, high };
}
