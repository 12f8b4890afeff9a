// Why: the agent that runs on a host is one self-contained file named by its content hash
// (build/bundleAgent.ts writes it and a manifest). The controller needs its path, size and
// hash to run it locally now and to deploy and verify it over SSH later.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SeamlessError } from '../../shared/errors';
import { agentDir } from './distPaths';

export const agentManifestSchema = z.object({
  file: z.string().regex(/^seamless-agent-[0-9a-f]{12}\.cjs$/),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().positive(),
  version: z.string(),
});
export type AgentManifest = z.infer<typeof agentManifestSchema>;

/**
 * Node options the agent runs with, locally and on targets. A small young generation keeps the
 * agent's RSS low on hosts with many processes (bench:inventory: 10,000 processes); the agent's
 * work is short bursts, so the extra scavenges cost little.
 */
export const AGENT_NODE_ARGS = ['--max-semi-space-size=1'];

export interface AgentBundle extends AgentManifest {
  path: string;
}

export function loadAgentBundle(dir: string = agentDir()): AgentBundle {
  let raw: string;
  try {
    raw = readFileSync(join(dir, 'manifest.json'), 'utf8');
  } catch {
    throw new SeamlessError('AGENT_NOT_BUILT', `The agent is not built (no ${join(dir, 'manifest.json')}). Run: npm run build`);
  }
  const manifest = agentManifestSchema.safeParse(JSON.parse(raw));
  if (!manifest.success) throw new SeamlessError('AGENT_NOT_BUILT', `The agent manifest in ${dir} is invalid. Run: npm run build`);
  const path = join(dir, manifest.data.file);
  let actual: string;
  try {
    actual = createHash('sha256').update(readFileSync(path)).digest('hex');
  } catch {
    throw new SeamlessError('AGENT_NOT_BUILT', `The agent file ${path} is missing. Run: npm run build`);
  }
  if (actual !== manifest.data.sha256) {
    throw new SeamlessError('AGENT_BUILD_MISMATCH', `The agent file ${path} does not match its manifest. Run: npm run build`);
  }
  return { ...manifest.data, path };
}
