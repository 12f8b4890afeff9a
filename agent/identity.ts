// Why: the controller must know that the agent it talks to is the very file it deployed. The
// agent bundle is named by its content hash, and the running agent reports the sha256 of its own
// file, so a stale or tampered copy is caught at `hello`.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

declare const __SEAMLESS_VERSION__: string | undefined;

export const AGENT_VERSION: string = typeof __SEAMLESS_VERSION__ === 'string' ? __SEAMLESS_VERSION__ : '0.0.0-dev';

let cachedHash: string | undefined;

export function ownBuildHash(file: string = __filename): string {
  cachedHash ??= createHash('sha256').update(readFileSync(file)).digest('hex');
  return cachedHash;
}
