import { describe, expect, it } from 'vitest';
import { formatSelector, parseSelector, unitOf } from '../../../../shared/plan/selector';
import { selectorSchema } from '../../../../shared/plan/plan';

describe('selectors', () => {
  it('parses every kind and formats it back to the same text', () => {
    const cases = [
      'pid:42',
      'unit:redis-server',
      'unit:redis-server.service',
      'container:web-1',
      'session:c3',
      'user-unit:1000/app.service',
    ];
    for (const text of cases) {
      const s = parseSelector(text);
      expect(s, text).not.toBeNull();
      expect(formatSelector(s!)).toBe(text);
      expect(selectorSchema.safeParse(text).success).toBe(true);
    }
    expect(parseSelector('pid:42')).toEqual({ kind: 'pid', pid: 42 });
    expect(parseSelector('user-unit:1000/app.service')).toEqual({ kind: 'user-unit', uid: 1000, name: 'app.service' });
  });

  it('refuses what is not a selector, in the parser and the schema alike', () => {
    for (const text of ['pid:0', 'pid:-1', 'pid:abc', 'unit:', 'unit:a/b', 'redis', 'container:', 'user-unit:x/y', 'session: x', '']) {
      expect(parseSelector(text), text).toBeNull();
      expect(selectorSchema.safeParse(text).success, text).toBe(false);
    }
  });

  it('names the systemd unit of a unit selector only', () => {
    expect(unitOf('unit:redis-server')).toBe('redis-server.service');
    expect(unitOf('unit:foo.socket')).toBe('foo.socket');
    expect(unitOf('pid:7')).toBeNull();
    expect(unitOf('container:web')).toBeNull();
  });
});
