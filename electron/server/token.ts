// Why: browser mode exposes the controller (which can run root commands on servers) to any
// process on this machine that can reach 127.0.0.1. A random token, compared in constant time,
// is what separates the admin's browser from everything else running locally.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function tokenMatches(expected: string, given: string | null | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
