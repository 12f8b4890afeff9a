// Why: browser mode exposes the controller (which can run root commands on servers) to any
// process on this machine that can reach 127.0.0.1. A random token, compared in constant time,
// is what separates the admin's browser from everything else running locally.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'seamless_token';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: IncomingMessage): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return decodeURIComponent(v.join('='));
  }
  return null;
}

/** The token a request carries: `?token=` (first load, scripts) or the cookie set on first load. */
export function requestToken(req: IncomingMessage, url: URL): string | null {
  return url.searchParams.get('token') ?? cookieToken(req);
}

/**
 * Only names of this machine's loopback are accepted in Host, so a web page elsewhere cannot reach
 * the server through DNS rebinding. Any port: an admin may reach it through an SSH tunnel.
 */
export function hostHeaderIsLoopback(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}
