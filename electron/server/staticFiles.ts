// Why: browser mode serves the very renderer that Electron loads (dist/renderer). Only files
// inside that folder are served, with a strict CSP, never a directory listing.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { ServerResponse } from 'node:http';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Serves `rel` (already decoded, relative to `root`) or 404; never outside `root`. */
export async function serveStatic(
  root: string,
  rel: string,
  res: ServerResponse,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  const full = normalize(join(root, rel.replace(/^\/+/, '')));
  if (!full.startsWith(root.endsWith(sep) ? root : root + sep)) {
    res.writeHead(404).end('Not found');
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(full);
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(full)] ?? 'application/octet-stream',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    ...extraHeaders,
  });
  res.end(body);
}
