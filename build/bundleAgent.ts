// Why: the agent must run on a target with Node 18+ and nothing else: no node_modules, no
// TypeScript. It is bundled into ONE CommonJS file, named by its content hash so a deployed
// copy can be reused and verified, with a manifest the controller reads.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AgentBuildResult {
  file: string;
  sha256: string;
  bytes: number;
}

export async function bundleAgent(root: string, outDir: string, version: string): Promise<AgentBuildResult> {
  const result = await build({
    entryPoints: [join(root, 'agent/main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    minify: true,
    legalComments: 'none',
    write: false,
    define: { __SEAMLESS_VERSION__: JSON.stringify(version) },
    banner: { js: `#!/usr/bin/env node\n// seamless-agent ${version}` },
  });
  const code = result.outputFiles[0]!.contents;
  const sha256 = createHash('sha256').update(code).digest('hex');
  const file = `seamless-agent-${sha256.slice(0, 12)}.cjs`;
  mkdirSync(outDir, { recursive: true });
  for (const old of readdirSync(outDir)) rmSync(join(outDir, old));
  writeFileSync(join(outDir, file), code, { mode: 0o755 });
  writeFileSync(join(outDir, 'manifest.json'), `${JSON.stringify({ file, sha256, bytes: code.byteLength, version }, null, 2)}\n`);
  return { file, sha256, bytes: code.byteLength };
}
