import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { hostHeaderIsLoopback, newToken, requestToken, tokenMatches, TOKEN_COOKIE } from '../../../electron/server/token';

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

  it('reads the token from the query or the cookie', () => {
    const req = (cookie?: string) => ({ headers: cookie ? { cookie } : {} }) as IncomingMessage;
    expect(requestToken(req(), new URL('http://x/?token=q'))).toBe('q');
    expect(requestToken(req(`a=1; ${TOKEN_COOKIE}=c%3D`), new URL('http://x/'))).toBe('c=');
    expect(requestToken(req('a=1'), new URL('http://x/'))).toBeNull();
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
