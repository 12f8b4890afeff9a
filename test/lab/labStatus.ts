// Why: `status` answers "is the lab up, and how do I reach it" without side
// effects; when it runs, the guest's `uname -r` proves SSH really works.
import { labDir, runPaths } from './labPaths.js';
import { buildStatus, type LabStatus } from './statusJson.js';
import { findRunningLab, newestEntry } from './labTarget.js';
import { sshRun } from './ssh.js';

export async function labStatus(): Promise<LabStatus> {
  const root = labDir();
  const r = runPaths(root);
  const lab = findRunningLab(root);
  const entry = lab?.entry ?? newestEntry(root);
  let kernel: string | null = null;
  if (lab) {
    const res = await sshRun(lab.target, 'uname -r', { timeoutMs: 15_000, connectTimeoutSec: 5 });
    if (res.code === 0) kernel = res.stdout.trim();
  }
  return buildStatus({
    labDir: root,
    running: lab !== undefined,
    pid: lab?.pid ?? null,
    port: lab?.state.port ?? null,
    kernel,
    knownHostsPath: r.knownHosts,
    serialLog: r.serialLog,
    cmdline: lab?.state.cmdline ?? null,
    entry: entry
      ? {
          key: entry.manifest.key,
          image: entry.paths.image,
          clientKey: entry.paths.clientKey,
          hostKey: entry.manifest.hostKey,
          hostKeyFingerprint: entry.manifest.hostKeyFingerprint,
          kernels: entry.manifest.kernels,
        }
      : null,
  });
}
