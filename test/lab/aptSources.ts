// Why: the lab is built from the same Debian mirror this machine already uses
// (the only one reachable here), never from a hard-coded host. These pure
// functions read APT's two source formats and pick the Debian entries for the
// guest; readHostAptSources() is the only part that touches the filesystem.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export interface AptSource {
  types: string[];
  uris: string[];
  suites: string[];
  components: string[];
  signedBy?: string;
  /** Where it was read from, for messages. */
  origin: string;
}

/** deb822 `.sources` (sources.list(5), "DEB822-STYLE FORMAT"). */
export function parseDeb822Sources(text: string, origin = 'deb822'): AptSource[] {
  const out: AptSource[] = [];
  const paragraphs = text.split(/\n[ \t]*\n/);
  for (const para of paragraphs) {
    const fields = new Map<string, string>();
    let last: string | undefined;
    for (const raw of para.split('\n')) {
      if (raw.startsWith('#') || raw.trim() === '') continue;
      if (/^[ \t]/.test(raw)) {
        // continuation line (a lone "." stands for an empty line)
        if (last !== undefined) {
          const more = raw.trim() === '.' ? '' : raw.trim();
          fields.set(last, `${fields.get(last) ?? ''}\n${more}`);
        }
        continue;
      }
      const m = /^([A-Za-z0-9-]+):(.*)$/.exec(raw);
      if (!m) continue;
      last = m[1]!.toLowerCase();
      fields.set(last, m[2]!.trim());
    }
    if (!fields.has('types') || !fields.has('uris')) continue;
    const enabled = (fields.get('enabled') ?? 'yes').trim().toLowerCase();
    if (enabled === 'no' || enabled === 'false') continue;
    const words = (k: string): string[] => (fields.get(k) ?? '').split(/\s+/).filter((w) => w !== '');
    const signedBy = fields.get('signed-by');
    const source: AptSource = {
      types: words('types'),
      uris: words('uris'),
      suites: words('suites'),
      components: words('components'),
      origin,
    };
    // an inline key block is not a path; the guest trusts Debian's keyring anyway
    if (signedBy !== undefined && !signedBy.includes('\n')) source.signedBy = signedBy;
    out.push(source);
  }
  return out;
}

/** One-line style: `deb [opt=val ...] URI SUITE [COMPONENT...]`. */
export function parseOneLineSources(text: string, origin = 'sources.list'): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const m = /^(deb|deb-src)\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)(.*)$/.exec(line);
    if (!m) continue;
    const options = new Map<string, string>();
    for (const opt of (m[2] ?? '').split(/\s+/).filter((o) => o !== '')) {
      const eq = opt.indexOf('=');
      if (eq > 0) options.set(opt.slice(0, eq).toLowerCase(), opt.slice(eq + 1));
    }
    const source: AptSource = {
      types: [m[1]!],
      uris: [m[3]!],
      suites: [m[4]!],
      components: (m[5] ?? '').split(/\s+/).filter((c) => c !== ''),
      origin,
    };
    const signedBy = options.get('signed-by');
    if (signedBy !== undefined) source.signedBy = signedBy;
    out.push(source);
  }
  return out;
}

/** Binary (`deb`) entries for SUITE and its -updates/-security, `main` only. */
export function debianSourcesFor(sources: readonly AptSource[], suite: string): AptSource[] {
  const wanted = new Set([suite, `${suite}-updates`, `${suite}-security`]);
  const out: AptSource[] = [];
  for (const s of sources) {
    if (!s.types.includes('deb') || !s.components.includes('main')) continue;
    const suites = s.suites.filter((x) => wanted.has(x));
    if (suites.length === 0) continue;
    const entry: AptSource = { types: ['deb'], uris: [...s.uris], suites, components: ['main'], origin: s.origin };
    if (s.signedBy !== undefined) entry.signedBy = s.signedBy;
    out.push(entry);
  }
  return out;
}

/** The mirror debootstrap uses: the first URI that serves SUITE itself. */
export function pickMirror(sources: readonly AptSource[], suite: string): string | undefined {
  for (const s of debianSourcesFor(sources, suite)) {
    if (s.suites.includes(suite) && s.uris.length > 0) return s.uris[0];
  }
  return undefined;
}

/** The guest's /etc/apt/sources.list.d/debian.sources. */
export function renderDeb822(sources: readonly AptSource[]): string {
  return sources
    .map((s) => {
      const lines = [
        `Types: ${s.types.join(' ')}`,
        `URIs: ${s.uris.join(' ')}`,
        `Suites: ${s.suites.join(' ')}`,
        `Components: ${s.components.join(' ')}`,
      ];
      // only Debian's own keyring is sure to exist in the guest
      if (s.signedBy?.endsWith('/debian-archive-keyring.gpg')) lines.push(`Signed-By: ${s.signedBy}`);
      return `${lines.join('\n')}\n`;
    })
    .join('\n');
}

/** Read this machine's APT sources (deb822 files, then sources.list and *.list). */
export function readHostAptSources(etcApt = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const dir = join(etcApt, 'sources.list.d');
  const files = existsSync(dir) ? readdirSync(dir).sort() : [];
  for (const f of files) {
    const path = join(dir, f);
    if (f.endsWith('.sources')) out.push(...parseDeb822Sources(readFileSync(path, 'utf8'), path));
    else if (f.endsWith('.list')) out.push(...parseOneLineSources(readFileSync(path, 'utf8'), path));
  }
  const list = join(etcApt, 'sources.list');
  if (existsSync(list)) out.push(...parseOneLineSources(readFileSync(list, 'utf8'), list));
  return out;
}
