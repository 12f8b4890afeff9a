// Why: `status --json` is the contract between the lab and everything that
// drives it (tests, the controller, the e2e suite). One pure function builds it
// so the shape is fixed, typed and unit-tested.

export interface LabStatus {
  running: boolean;
  host: '127.0.0.1';
  port: number | null;
  user: 'root';
  keyPath: string | null;
  /** `uname -r` of the guest, or null when it is not running or not answering. */
  kernel: string | null;
  knownHostsPath: string;
  /** The pinned host public key line ("ssh-ed25519 AAAA... root@seamless-lab"). */
  hostKey: string | null;
  hostKeyFingerprint: string | null;
  serialLog: string;
  image: string | null;
  imageKey: string | null;
  pid: number | null;
  /** The kernels in the image: boot is what `up` boots, target the upgrade. */
  kernels: { boot: string; target: string } | null;
  cmdline: string | null;
  labDir: string;
}

export interface StatusInput {
  labDir: string;
  running: boolean;
  pid: number | null;
  port: number | null;
  kernel: string | null;
  knownHostsPath: string;
  serialLog: string;
  cmdline: string | null;
  entry: {
    key: string;
    image: string;
    clientKey: string;
    hostKey: string;
    hostKeyFingerprint: string;
    kernels: { boot: string; target: string };
  } | null;
}

export function buildStatus(i: StatusInput): LabStatus {
  return {
    running: i.running,
    host: '127.0.0.1',
    port: i.running ? i.port : null,
    user: 'root',
    keyPath: i.entry?.clientKey ?? null,
    kernel: i.running ? i.kernel : null,
    knownHostsPath: i.knownHostsPath,
    hostKey: i.entry?.hostKey ?? null,
    hostKeyFingerprint: i.entry?.hostKeyFingerprint ?? null,
    serialLog: i.serialLog,
    image: i.entry?.image ?? null,
    imageKey: i.entry?.key ?? null,
    pid: i.running ? i.pid : null,
    kernels: i.entry ? { ...i.entry.kernels } : null,
    cmdline: i.running ? i.cmdline : null,
    labDir: i.labDir,
  };
}

/** Human-readable status for `status` without --json. */
export function formatStatus(s: LabStatus): string {
  const lines = [
    `running:      ${s.running ? `yes (pid ${s.pid})` : 'no'}`,
    `ssh:          ${s.running ? `ssh -p ${s.port} root@127.0.0.1 (npx tsx test/lab/cli.ts ssh)` : '-'}`,
    `kernel:       ${s.kernel ?? '-'}`,
    `kernels:      ${s.kernels ? `${s.kernels.boot} (boot), ${s.kernels.target} (target)` : '- (not built)'}`,
    `image:        ${s.image ?? '- (not built)'}`,
    `key:          ${s.keyPath ?? '-'}`,
    `host key:     ${s.hostKeyFingerprint ?? '-'}`,
    `known_hosts:  ${s.knownHostsPath}`,
    `serial log:   ${s.serialLog}`,
  ];
  return lines.join('\n');
}
