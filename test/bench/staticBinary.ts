// Why: the guest has no compiler; a benchmark's own workload (randReader.c, toucher.c) is built
// statically here and copied into the lab, one way for all of them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { labExec } from '../lab/lab.js';

/** `gcc -O2 -static` of one C file, copied into the guest at `guestPath` (mode 755). */
export async function installStaticBinary(source: string, guestPath: string): Promise<void> {
  const out = join(mkdtempSync(join(tmpdir(), 'bench-bin-')), basename(guestPath));
  try {
    execFileSync('gcc', ['-O2', '-static', '-o', out, source], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`cannot build ${source} with gcc -static (apt-get install gcc libc6-dev): ${String(err)}`);
  }
  const r = await labExec(`base64 -d > ${guestPath} && chmod 755 ${guestPath}`, { input: readFileSync(out).toString('base64') });
  if (r.code !== 0) throw new Error(r.stderr);
}
