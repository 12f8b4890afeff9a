// Test helper: seeded random inputs for the protocol fuzz tests. The same seed gives the same
// inputs (a failure names its seed, so it can be replayed), and every value stays small.
export function rng(seed: number): () => number {
  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function fuzzer(seed: number) {
  const r = rng(seed);
  const int = (n: number) => Math.floor(r() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const oddStrings = [
    '',
    ' ',
    '__proto__',
    'constructor',
    '%',
    '%E0%A4%A',
    '\u0000',
    '😀',
    '../../etc/passwd',
    'a'.repeat(300),
    '\\',
    '"',
    '\n',
  ];
  const str = (): string =>
    r() < 0.4 ? pick(oddStrings) : Array.from({ length: int(12) }, () => String.fromCharCode(32 + int(95))).join('');
  const num = (): number => pick([0, -1, 1.5, 2 ** 53, 2 ** 60, -0, 1e308, Number.MAX_SAFE_INTEGER, int(1000)]);
  function value(depth = 0): unknown {
    const k = int(depth > 3 ? 4 : 7);
    if (k === 0) return null;
    if (k === 1) return r() < 0.5;
    if (k === 2) return num();
    if (k === 3) return str();
    if (k === 4) return Array.from({ length: int(4) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: int(4) }, () => [str(), value(depth + 1)]));
  }
  /** A line that is broken as text: cut JSON, deep nesting, stray bytes. */
  function brokenLine(): string {
    const k = int(5);
    if (k === 0) return JSON.stringify(value()).slice(0, int(20));
    if (k === 1) return '['.repeat(5000 + int(5000));
    if (k === 2) return str();
    if (k === 3) return `{"id":${num()},"method":${JSON.stringify(str())},"params":`;
    return '{"id":1,"method":"hello"}}}';
  }
  return { r, int, pick, str, num, value, brokenLine };
}
