// Why: the deploy code needs to find the built agent executable (built by build/agentExecutable.ts) and
// know which targets can run it, without pulling the build tooling (postject) into the app.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { agentDir } from '../distPaths';

export const AGENT_EXECUTABLE_MANIFEST = 'executable.json';

export const agentExecutableManifestSchema = z.object({
  file: z.string().regex(/^seamless-agent-[0-9a-f]{12}$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  /** The agent bundle it contains. */
  bundleSha256: z.string().regex(/^[0-9a-f]{64}$/),
  nodeVersion: z.string(),
  /** Only targets of this kind can run it. */
  platform: z.literal('linux-x64-glibc'),
  /** The oldest glibc the runtime needs (Node 20: 2.28). */
  minGlibc: z.string(),
});
export type AgentExecutableManifest = z.infer<typeof agentExecutableManifestSchema>;
export interface AgentExecutable extends AgentExecutableManifest {
  path: string;
}

/** The built executable that matches the current bundle, or null when there is none. */
export function loadAgentExecutable(dir: string = agentDir(), bundleSha256?: string): AgentExecutable | null {
  const manifestPath = join(dir, AGENT_EXECUTABLE_MANIFEST);
  if (!existsSync(manifestPath)) return null;
  const parsed = agentExecutableManifestSchema.safeParse(JSON.parse(readFileSync(manifestPath, 'utf8')));
  if (!parsed.success) return null;
  if (bundleSha256 !== undefined && parsed.data.bundleSha256 !== bundleSha256) return null;
  const path = join(dir, parsed.data.file);
  if (!existsSync(path) || statSync(path).size !== parsed.data.bytes) return null;
  return { ...parsed.data, path };
}
