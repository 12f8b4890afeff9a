// The browser mode's door: a random token in the path (never a cookie, which every port of
// 127.0.0.1 would receive), the socket only for the page's exact origin, loopback names only in
// Host, and a 400 rather than an exception for anything malformed.
import { describe, expect, it } from 'vitest';
import { newToken, tokenMatches } from '../../../electron/server/token';
import { appBase, hostHeaderIsLoopback, routeRequest } from '../../../electron/server/routes';

const T = 'tok_en-1';
const get = (url: string, host = '127.0.0.1:4000') => routeRequest({ url, host, upgrade: false }, T);
const ws = (url: string, origin: string | undefined, host = '127.0.0.1:4000') => routeRequest({ url, host, origin, upgrade: true }, T);

describe('browser-mode token', () => {
  it('is long and random', () => {
    const a = newToken();
    expect(a.length).toBeGreaterThanOrEqual(43);
    expect(newToken()).not.toBe(a);
  });

  it('matches only the exact token', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', 'ab')).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
    expect(tokenMatches('abc', '')).toBe(false);
  });

  it('accepts only loopback names in Host (DNS rebinding)', () => {
    expect(hostHeaderIsLoopback('127.0.0.1:8080')).toBe(true);
    expect(hostHeaderIsLoopback('localhost:1')).toBe(true);
    expect(hostHeaderIsLoopback('[::1]:9')).toBe(true);
    expect(hostHeaderIsLoopback('evil.example:8080')).toBe(false);
    expect(hostHeaderIsLoopback('127.0.0.1.evil.example')).toBe(false);
    expect(hostHeaderIsLoopback(undefined)).toBe(false);
  });
});

describe('browser-mode routes', () => {
  it('the printed URL enters the app’s path; files are served under it', () => {
    expect(get(`/?token=${T}`)).toEqual({ kind: 'enter', location: appBase(T) });
    expect(get(`/s/${T}/`)).toEqual({ kind: 'file', rel: 'index.html' });
    expect(get(`/s/${T}/assets/a%20b.js`)).toEqual({ kind: 'file', rel: 'assets/a b.js' });
  });
  it('without the exact token, or through a foreign Host: unauthorized', () => {
    for (const u of [
      '/',
      '/index.html',
      '/?token=wrong',
      `/?token=${T}x`,
      `/s/${T}`,
      '/s/wrong/',
      `/s/${T}x/index.html`,
      `/assets/x.js?token=${T}`,
    ])
      expect(get(u)).toEqual({ kind: 'unauthorized' });
    expect(get(`/?token=${T}`, `evil.example:4000`)).toEqual({ kind: 'unauthorized' });
  });
  it('the socket: only at the app’s api, only from the page’s own origin (port and scheme included)', () => {
    expect(ws(`/s/${T}/api`, 'http://127.0.0.1:4000')).toEqual({ kind: 'api' });
    expect(ws(`/s/${T}/api`, undefined)).toEqual({ kind: 'api' }); // not a browser: the token alone
    expect(ws(`/s/${T}/api`, 'http://127.0.0.1:4001')).toEqual({ kind: 'unauthorized' });
    expect(ws(`/s/${T}/api`, 'https://127.0.0.1:4000')).toEqual({ kind: 'unauthorized' });
    expect(ws(`/s/${T}/api`, 'http://localhost:4000')).toEqual({ kind: 'unauthorized' });
    expect(ws(`/s/${T}/api`, 'null')).toEqual({ kind: 'unauthorized' });
    expect(ws(`/api?token=${T}`, 'http://127.0.0.1:4000')).toEqual({ kind: 'unauthorized' });
    expect(ws(`/s/${T}/index.html`, 'http://127.0.0.1:4000')).toEqual({ kind: 'unauthorized' });
  });
  it('malformed input is a 400, never an exception', () => {
    expect(get(`/s/${T}/%E0%A4%A`)).toEqual({ kind: 'bad-request', why: 'malformed percent-escape' });
    expect(get(`/s/${T}/a%00`)).toEqual({ kind: 'bad-request', why: 'NUL in path' });
    expect(() => get('http://[::1')).not.toThrow();
  });
});
