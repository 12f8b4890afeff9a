import { describe, expect, it } from 'vitest';
import { createLineSplitter } from '../../../shared/lineSplitter';

function collect(max = 100) {
  const lines: string[] = [];
  const overflows: number[] = [];
  const s = createLineSplitter(
    (l) => lines.push(l),
    (n) => overflows.push(n),
    max,
  );
  return { s, lines, overflows };
}

describe('createLineSplitter', () => {
  it('joins chunks and splits on newlines', () => {
    const { s, lines } = collect();
    s.push('{"a":');
    s.push('1}\n{"b"');
    s.push(':2}\n\n');
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
  });

  it('yields a last line without newline only on flush', () => {
    const { s, lines } = collect();
    s.push('tail');
    expect(lines).toEqual([]);
    s.flush();
    expect(lines).toEqual(['tail']);
  });

  it('drops an over-long line, reports it, and recovers at the next newline', () => {
    const { s, lines, overflows } = collect(10);
    s.push('x'.repeat(8));
    s.push('y'.repeat(8));
    s.push('z'.repeat(50));
    s.push('\nok\n');
    expect(lines).toEqual(['ok']);
    expect(overflows).toEqual([66]);
  });

  it('reports an over-long complete line inside one chunk', () => {
    const { s, lines, overflows } = collect(5);
    s.push('123456789\nabc\n');
    expect(lines).toEqual(['abc']);
    expect(overflows).toEqual([9]);
  });
});
