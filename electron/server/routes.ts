// Why: what a browser-mode request may reach, decided in one pure function that never throws
// (a malformed URL or escape is a 400, not a crashed server). The token lives in the path
// (/s/<token>/…), never in a cookie: cookies of 127.0.0.1 are sent to every port of it, so any
// other local server the admin's browser visits would receive one. The first load
// (/?token=T, the URL `seamless serve` prints) is redirected into that path; the page's assets
// and its socket are relative to it. The socket also needs an Origin exactly equal to the origin
// the page was served from, so a page of another port or scheme cannot open it.
import { tokenMatches } from './token';

export type Route =
  | { kind: 'enter'; location: string }
  | { kind: 'file'; rel: string }
  | { kind: 'api' }
  | { kind: 'unauthorized' }
  | { kind: 'bad-request'; why: string };

const PREFIX = '/s/';

/** The app's base path for `token` (what the page's relative URLs hang off). */
export const appBase = (token: string) => `${PREFIX}${token}/`;

/**
 * Only names of this machine's loopback are accepted in Host, so a web page elsewhere cannot reach
 * the server through DNS rebinding. Any port: an admin may reach it through an SSH tunnel.
 */
export function hostHeaderIsLoopback(host: string | undefined): boolean {
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
  return name === '127.0.0.1' || name === 'localhost' || name === '[::1]';
}

export function routeRequest(req: { url?: string; host?: string; origin?: string; upgrade: boolean }, token: string): Route {
  if (!hostHeaderIsLoopback(req.host)) return { kind: 'unauthorized' };
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://127.0.0.1');
  } catch {
    return { kind: 'bad-request', why: 'malformed URL' };
  }
  if (!url.pathname.startsWith(PREFIX)) {
    // The printed URL: into the app's path, the token leaving the query string.
    if (!req.upgrade && url.pathname === '/' && tokenMatches(token, url.searchParams.get('token')))
      return { kind: 'enter', location: appBase(token) };
    return { kind: 'unauthorized' };
  }
  const rest = url.pathname.slice(PREFIX.length);
  const slash = rest.indexOf('/');
  if (slash < 0 || !tokenMatches(token, rest.slice(0, slash))) return { kind: 'unauthorized' };
  const raw = rest.slice(slash + 1);
  if (req.upgrade) {
    // A browser always sends Origin on a WebSocket; it must be the very origin of the page.
    if (raw !== 'api' || (req.origin !== undefined && req.origin !== `http://${req.host}`)) return { kind: 'unauthorized' };
    return { kind: 'api' };
  }
  let rel: string;
  try {
    rel = decodeURIComponent(raw);
  } catch {
    return { kind: 'bad-request', why: 'malformed percent-escape' };
  }
  if (rel.includes('\0')) return { kind: 'bad-request', why: 'NUL in path' };
  return { kind: 'file', rel: rel === '' ? 'index.html' : rel };
}
