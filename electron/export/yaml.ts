// Why: the exported playbook is read by admins and by ansible-lint, so it is written as YAML an
// admin would write (block style, `true`/`false`, quotes only where YAML needs them, long Jinja as
// folded text), from plain data, so no task is assembled by pasting strings. Only what a
// playbook uses: maps, lists, strings, numbers, booleans, null.

/** A string written as a folded block (`>-`): its lines are joined by spaces when read. */
export interface Folded {
  folded: string[];
}
export type YamlValue = string | number | boolean | null | Folded | YamlValue[] | { [key: string]: YamlValue };

export const folded = (...lines: string[]): Folded => ({ folded: lines });
/** The key of a map in a list whose string value is written as a comment on the map's first line. */
export const COMMENT = '#';
const isFolded = (v: YamlValue): v is Folded => typeof v === 'object' && v !== null && !Array.isArray(v) && Array.isArray(v.folded);

/** YAML 1.1 reads these (any case) as booleans or null; ansible's YAML is 1.1. */
const RESERVED = /^(y|n|yes|no|true|false|on|off|null|~)$/i;
const PLAIN = /^[A-Za-z_/][\w ./:=,()+@%-]*$/;

/** A scalar string as YAML: plain when that reads back as the same string, else double-quoted (JSON escapes are YAML's). */
export function scalar(s: string): string {
  const plain = PLAIN.test(s) && !RESERVED.test(s) && !s.includes(': ') && !s.endsWith(':') && !s.endsWith(' ') && !s.includes(' #');
  return plain ? s : JSON.stringify(s);
}

const key = (k: string) => (/^[A-Za-z_][\w.-]*$/.test(k) && !RESERVED.test(k) ? k : JSON.stringify(k));

function isInline(v: YamlValue): boolean {
  if (v === null || typeof v !== 'object') return true;
  if (isFolded(v)) return false;
  return Array.isArray(v) ? v.length === 0 : Object.keys(v).length === 0;
}

function inline(v: YamlValue): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return v.includes('\n') ? JSON.stringify(v) : scalar(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? '[]' : '{}';
}

/** Lines longer than this are folded (ansible-lint's yamllint allows 160). */
const WIDTH = 120;

/**
 * `s` cut at single spaces into lines of at most WIDTH (a word longer stays whole): read back as a
 * folded scalar (lines joined by one space) it is `s` again. null when it cannot be (two spaces in
 * a row, a space at either end, a newline).
 */
export function wrap(s: string, width = WIDTH): string[] | null {
  const words = s.split(' ');
  if (s.includes('\n') || words.some((w) => w === '')) return null;
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line && line.length + 1 + w.length > width) {
      lines.push(line);
      line = w;
    } else line = line ? `${line} ${w}` : w;
  }
  lines.push(line);
  return lines;
}

/** A long one-line string as folded lines, when it can be. */
function foldable(v: YamlValue, room: number): Folded | null {
  if (typeof v !== 'string' || v.length + 4 <= room) return null;
  const lines = wrap(v);
  return lines && lines.length > 1 ? { folded: lines } : null;
}

/** The lines of `v` as the value of a key or list item at `indent` spaces. */
function block(v: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  if (isFolded(v)) return v.folded.flatMap((l) => wrap(l) ?? [l]).map((l) => `${pad}${l}`);
  if (typeof v === 'string' && v.includes('\n')) return v.split('\n').map((l) => (l === '' ? '' : `${pad}${l}`));
  if (Array.isArray(v)) return v.flatMap((item) => listItem(item, indent));
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, val]) => entry(k, val, indent));
  return [`${pad}${inline(v)}`];
}

function entry(k: string, value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const v = foldable(value, WIDTH + 40 - indent - k.length) ?? value;
  if (isInline(v)) return [`${pad}${key(k)}: ${inline(v)}`];
  if (isFolded(v)) return [`${pad}${key(k)}: >-`, ...block(v, indent + 2)];
  return [`${pad}${key(k)}:`, ...block(v, indent + 2)];
}

function listItem(value: YamlValue, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const v = foldable(value, WIDTH + 40 - indent) ?? value;
  if (isInline(v) || v === null || typeof v !== 'object') return [`${pad}- ${inline(v)}`];
  if (isFolded(v)) return [`${pad}- >-`, ...block(v, indent + 2)];
  if (Array.isArray(v)) return [`${pad}-`, ...block(v, indent + 2)];
  // A map in a list: its first key on the dash's line, the rest under it; a COMMENT key (never an
  // Ansible keyword) becomes a comment on that line (`# noqa: …`).
  const { [COMMENT]: comment, ...fields } = v;
  const [first, ...rest] = block(fields, indent + 2);
  return [`${pad}- ${first!.trimStart()}${typeof comment === 'string' ? `  # ${comment}` : ''}`, ...rest];
}

/** A YAML document (`---` first, a newline last). */
export function toYaml(v: YamlValue, comment?: string): string {
  const head = comment ? comment.split('\n').map((l) => (l ? `# ${l}` : '#')) : [];
  return `${['---', ...head, ...block(v, 0)].join('\n')}\n`;
}
