import { describe, it, expect } from 'vitest';
import { debianSourcesFor, parseDeb822Sources, parseOneLineSources, pickMirror, renderDeb822 } from './aptSources.js';

// this machine's /etc/apt/sources.list.d/debian.sources, verbatim
const HOST_DEB822 = `Types: deb
# http://snapshot.debian.org/archive/debian/20250520T000000Z
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
# http://snapshot.debian.org/archive/debian-security/20250520T000000Z
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
`;

describe('parseDeb822Sources', () => {
  it('reads both paragraphs and ignores comments', () => {
    const s = parseDeb822Sources(HOST_DEB822);
    expect(s).toHaveLength(2);
    expect(s[0]).toMatchObject({
      types: ['deb'],
      uris: ['http://deb.debian.org/debian'],
      suites: ['bookworm', 'bookworm-updates'],
      components: ['main'],
      signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
    });
    expect(s[1]!.suites).toEqual(['bookworm-security']);
  });

  it('skips Enabled: no and keeps multi-line fields', () => {
    const text = `Types: deb deb-src
URIs: http://mirror.example/debian
Suites: bookworm
Components: main contrib
Enabled: no

Types: deb
URIs: http://a.example/debian
 http://b.example/debian
Suites: bookworm
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 abc
`;
    const s = parseDeb822Sources(text);
    expect(s).toHaveLength(1);
    expect(s[0]!.uris).toEqual(['http://a.example/debian', 'http://b.example/debian']);
    expect(s[0]!.signedBy).toBeUndefined(); // inline key, not a path
  });
});

describe('parseOneLineSources', () => {
  it('reads options, suite and components', () => {
    const s = parseOneLineSources(`# comment
deb [arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://ftp.de.debian.org/debian bookworm main non-free-firmware
deb-src http://ftp.de.debian.org/debian bookworm main
deb http://security.debian.org/debian-security bookworm-security main # trailing
`);
    expect(s).toHaveLength(3);
    expect(s[0]).toMatchObject({
      types: ['deb'],
      uris: ['http://ftp.de.debian.org/debian'],
      suites: ['bookworm'],
      components: ['main', 'non-free-firmware'],
      signedBy: '/usr/share/keyrings/debian-archive-keyring.gpg',
    });
    expect(s[1]!.types).toEqual(['deb-src']);
    expect(s[2]!.components).toEqual(['main']);
  });
});

describe('pickMirror and debianSourcesFor', () => {
  it('picks the URI serving the suite itself, not security', () => {
    const s = parseDeb822Sources(HOST_DEB822);
    expect(pickMirror(s, 'bookworm')).toBe('http://deb.debian.org/debian');
  });

  it('keeps bookworm, -updates and -security binary entries, main only', () => {
    const s = [
      ...parseDeb822Sources(HOST_DEB822),
      ...parseOneLineSources('deb https://deb.nodesource.com/node_20.x nodistro main\ndeb-src http://x/debian bookworm main'),
    ];
    const d = debianSourcesFor(s, 'bookworm');
    expect(d.map((x) => x.suites)).toEqual([['bookworm', 'bookworm-updates'], ['bookworm-security']]);
  });

  it('has no mirror when nothing serves the suite', () => {
    expect(pickMirror(parseOneLineSources('deb http://x/debian trixie main'), 'bookworm')).toBeUndefined();
  });

  it('renders deb822 that parses back to the same entries', () => {
    const d = debianSourcesFor(parseDeb822Sources(HOST_DEB822), 'bookworm');
    const again = parseDeb822Sources(renderDeb822(d));
    expect(again.map(({ origin: _o, ...rest }) => rest)).toEqual(d.map(({ origin: _o, ...rest }) => rest));
  });
});
