// Why: a selector names a workload in a plan, on the command line and in the UI (`pid:N`,
// `unit:NAME`, `container:NAME`, `session:ID`, `user-unit:UID/NAME`, as the inventory names
// workloads). One parser and one formatter, so no caller slices strings by hand.
export type Selector =
  | { kind: 'pid'; pid: number }
  | { kind: 'unit'; name: string }
  | { kind: 'container'; name: string }
  | { kind: 'session'; id: string }
  | { kind: 'user-unit'; uid: number; name: string };

export const SELECTOR_PATTERN = /^(pid:[1-9]\d*|unit:[^\s/]+|container:\S+|session:\S+|user-unit:\d+\/\S+)$/;
export const SELECTOR_HINT = 'a selector is pid:N, unit:NAME, container:NAME, session:ID or user-unit:UID/NAME';

/** The selector in `text`, or null when it is not one. */
export function parseSelector(text: string): Selector | null {
  if (!SELECTOR_PATTERN.test(text)) return null;
  const colon = text.indexOf(':');
  const kind = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  switch (kind) {
    case 'pid':
      return { kind: 'pid', pid: Number(rest) };
    case 'unit':
      return { kind: 'unit', name: rest };
    case 'container':
      return { kind: 'container', name: rest };
    case 'session':
      return { kind: 'session', id: rest };
    default: {
      const slash = rest.indexOf('/');
      return { kind: 'user-unit', uid: Number(rest.slice(0, slash)), name: rest.slice(slash + 1) };
    }
  }
}

export function formatSelector(s: Selector): string {
  switch (s.kind) {
    case 'pid':
      return `pid:${s.pid}`;
    case 'unit':
      return `unit:${s.name}`;
    case 'container':
      return `container:${s.name}`;
    case 'session':
      return `session:${s.id}`;
    case 'user-unit':
      return `user-unit:${s.uid}/${s.name}`;
  }
}

/** A unit name as systemd knows it: `redis-server` → `redis-server.service`. */
export const unitName = (name: string): string => (name.includes('.') ? name : `${name}.service`);

/** The systemd unit a selector names, or null for the other kinds. */
export function unitOf(text: string): string | null {
  const s = parseSelector(text);
  return s?.kind === 'unit' ? unitName(s.name) : null;
}
