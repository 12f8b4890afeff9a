// Test data: an "agent" file with any source (one that prints garbage, dies, never answers),
// described like a real bundle so the controller deploys and runs it.
import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentBundle } from '../../electron/controller/agentBundle';

export function fakeBundle(source: string): AgentBundle {
  const dir = mkdtempSync(join(tmpdir(), 'seamless-fake-agent-'));
  const path = join(dir, 'agent.cjs');
  writeFileSync(path, source);
  chmodSync(path, 0o755);
  const sha256 = createHash('sha256').update(source).digest('hex');
  return { path, sha256, bytes: source.length, file: `seamless-agent-${sha256.slice(0, 12)}.cjs`, version: 'fake' };
}
