// Why: the renderer is served from a private, standard scheme (app://seamless/) rather than
// file://, so the page has a real origin of its own (the IPC guard and the CSP rely on it) and
// can read nothing else on disk. Only files inside the renderer folder are answered.
import { join, normalize, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_ORIGIN = 'app://seamless';

/** The file an app:// request names inside `root`, or null (another host, outside root, a malformed escape). */
export function resolveAppPath(requestUrl: string, root: string): string | null {
  let url: URL;
  let rel: string;
  try {
    url = new URL(requestUrl);
    rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
  } catch {
    return null; // not a URL, or a bad percent-escape: nothing to serve, nothing thrown
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== 'seamless' || rel.includes('\0')) return null;
  const full = normalize(join(root, rel));
  return full.startsWith(root.endsWith(sep) ? root : root + sep) ? full : null;
}
