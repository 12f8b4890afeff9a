// Why: the lab's upgrade tests (and the upgrade benchmark) talk to the real agent inside the
// guest the same way: deploy the freshly built bundle, run one stdio session per request over
// SSH, read the journal, wait for the guest to come back on a kernel. Kept here once.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { labDown, labExec, labStatus, labUp, LAB_KERNELS } from './lab.js';
import { runOk } from './run.js';

export const MIN = 60_000;
const ROOT = resolve(import.meta.dirname, '../..');
export const AGENT = '/opt/seamless/agent.cjs';

export interface Rec {
  seq: number;
  atMs: number;
  kernel: string;
  phase: string;
  state: string;
  message: string;
  durationMs?: number;
  data?: Record<string, unknown>;
  error?: { code: string; message: string; evidence?: string };
}
export interface Memload {
  pid: number;
  counter: number;
  checksum: string;
  expected: string;
  ok: boolean;
  /** When the process started (its own clock, held in its memory: a cold start has a new one). */
  startedAtEpoch: number;
}
export type Answer = { id: number; result?: unknown; error?: { code: string; message: string; evidence?: string } };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function guest(cmd: string, timeoutMs = 5 * MIN): Promise<string> {
  const r = await labExec(cmd, { timeoutMs });
  if (r.code !== 0) throw new Error(`guest command failed (${r.code}): ${cmd}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** One agent session over SSH: hello, then the given requests; returns the answers by id. */
export async function agent(requests: { method: string; params?: unknown }[]): Promise<Map<number, Answer>> {
  const lines = [
    { id: 0, method: 'hello', params: { protocolVersion: 2, controller: 'upgrade.lab.test' } },
    ...requests.map((r, i) => ({ id: i + 1, ...r })),
  ];
  const r = await labExec(`node ${AGENT}`, { input: lines.map((l) => JSON.stringify(l)).join('\n') + '\n', timeoutMs: 10 * MIN });
  const answers = new Map<number, Answer>();
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) continue;
    const msg = JSON.parse(line) as Answer;
    if (typeof msg.id === 'number') answers.set(msg.id, msg);
  }
  if (!answers.has(lines.length - 1)) throw new Error(`agent gave no answer (ssh exit ${r.code}):\n${r.stdout}\n${r.stderr}`);
  return answers;
}

export async function call<T>(method: string, params: unknown): Promise<T> {
  const a = (await agent([{ method, params }])).get(1)!;
  if (a.error) throw new Error(`${method}: ${a.error.code}: ${a.error.message}\n${a.error.evidence ?? ''}`);
  return a.result as T;
}

export async function journal(id: string): Promise<Rec[]> {
  return (await call<{ records: Rec[] }>('upgrade.journal', { id, since: 0 })).records;
}

/** The app-facing summary of an upgrade, as the agent answers it (the outcome the host decided). */
export interface Summary {
  id: string;
  state: 'running' | 'ended';
  outcome: string | null;
}
export async function summary(id: string): Promise<Summary> {
  return (await call<{ summary: Summary }>('upgrade.journal', { id, since: 0 })).summary;
}

export async function memload(pid: number): Promise<Memload> {
  return (await memloads([pid]))[0]!;
}

/** lab-memload-status of several processes in one SSH call (one report each, in the order given). */
export async function memloads(pids: readonly number[], timeoutMs = 5 * MIN): Promise<Memload[]> {
  const lines = (await guest(`lab-memload-status ${pids.join(' ')}`, timeoutMs)).trim().split('\n');
  return lines.map((l) => JSON.parse(l) as Memload);
}

/**
 * Shell that writes the fix preflight names for Debian's redis unit (its own mount and user
 * namespaces): its sandboxing off in a drop-in. The caller reloads and restarts.
 */
export const redisNoSandboxDropIn = (
  unit: string,
): string => `mkdir -p /etc/systemd/system/${unit}.d && cat > /etc/systemd/system/${unit}.d/50-no-sandbox.conf <<'EOF'
[Service]
PrivateUsers=no
ProtectHostname=no
PrivateTmp=no
PrivateDevices=no
ProtectSystem=no
ProtectHome=no
ProtectKernelTunables=no
ProtectKernelModules=no
ProtectKernelLogs=no
ProtectControlGroups=no
ProtectClock=no
ProtectProc=default
ReadWritePaths=
ReadWriteDirectories=
NoExecPaths=
ExecPaths=
EOF`;

export function plan(workloads: string[], extra: Record<string, unknown> = {}, kernel: string = LAB_KERNELS.target) {
  return {
    version: 1,
    host: 'seamless-lab',
    createdAt: new Date().toISOString(),
    workloads,
    kernel: {
      release: kernel,
      image: `/boot/vmlinuz-${kernel}`,
      initrd: `/boot/initrd.img-${kernel}`,
      cmdline: null,
    },
    store: { kind: 'pmem', device: '/dev/pmem0' },
    options: { kexecMode: 'direct', preDump: true, onRestoreFailure: 'cold-start', ...extra },
  };
}

/** Polls until the guest answers SSH on `kernel` (QEMU's forward accepts before sshd listens). */
export async function waitForKernel(kernel: string, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const r = await labExec('uname -r', { timeoutMs: 20_000 }).catch(() => null);
    if (r && r.code === 0 && r.stdout.trim() === kernel) return Date.now() - t0;
    await sleep(3000);
  }
  throw new Error(`the guest did not answer on ${kernel} within ${timeoutMs / 1000} s`);
}

/** This boot's id (changes with every boot, kexec or reset). */
export const bootId = async (): Promise<string> => (await guest('cat /proc/sys/kernel/random/boot_id')).trim();

/** Polls until the guest answers SSH from a boot other than `previous`; returns its kernel. */
export async function waitForNewBoot(previous: string, timeoutMs: number): Promise<string> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const r = await labExec('cat /proc/sys/kernel/random/boot_id; uname -r', { timeoutMs: 20_000 }).catch(() => null);
    const [id, kernel] = r && r.code === 0 ? r.stdout.trim().split('\n') : [];
    if (id && kernel && id !== previous) return kernel;
    await sleep(3000);
  }
  throw new Error(`the guest did not come back from a new boot within ${timeoutMs / 1000} s`);
}

/**
 * The journal as its file stands (a line still being written is left for the next read). Only for
 * waiting: an agent started in the guest costs 5–7 s of the guest's CPU on TCG (Debian's node
 * has no code cache), and polling through it stole that from the upgrade being watched.
 */
async function journalFile(id: string): Promise<Rec[]> {
  const text = await guest(`cat /var/lib/seamless/upgrades/${id}/journal.jsonl`, MIN);
  return text.split('\n').flatMap((line) => {
    try {
      return line.trim() ? [JSON.parse(line) as Rec] : [];
    } catch {
      return [];
    }
  });
}

/**
 * Waits (reading the journal's file) until a record matches; then answers with the agent's own
 * journal, or with the file's when the host no longer answers (the awaited record can be the
 * last before a jump: the agent takes seconds to start, the kexec does not wait for it).
 */
export async function waitForRecord(id: string, done: (r: Rec) => boolean, timeoutMs: number): Promise<Rec[]> {
  const t0 = Date.now();
  let recs: Rec[] = [];
  while (Date.now() - t0 < timeoutMs) {
    recs = await journalFile(id).catch(() => recs);
    if (recs.some(done)) {
      const answered = await journal(id).catch(() => null);
      if (answered === null) return recs;
      if (answered.some(done)) return answered;
      throw new Error(`the journal's file of ${id} has the awaited record, the agent's upgrade.journal does not`);
    }
    await sleep(3000);
  }
  throw new Error(
    `journal of ${id} did not reach the expected record:\n${recs.map((r) => `${r.phase} ${r.state} ${r.message}`).join('\n')}`,
  );
}

/** Builds the agent bundle from this checkout and installs it in the guest; returns its sha256. */
export async function deployAgent(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'seamless-agent-'));
  const { bundleAgent } = (await import(pathToFileURL(join(ROOT, 'build/bundleAgent.ts')).href)) as {
    bundleAgent: (root: string, outDir: string, version: string) => Promise<{ file: string }>;
  };
  const built = await bundleAgent(ROOT, out, '0.0.0-lab');
  // base64: labExec's input is text, the files are bytes
  await labExec(`mkdir -p /opt/seamless && base64 -d > ${AGENT}`, { input: readFileSync(join(out, built.file)).toString('base64') });
  const local = (await runOk('sha256sum', [join(out, built.file)])).stdout.split(' ')[0]!;
  const remote = (await guest(`sha256sum ${AGENT}`)).split(' ')[0];
  if (remote !== local) throw new Error(`the agent in the guest (${remote}) is not the one built (${local})`);
  return local;
}

/**
 * Installs a one-shot guest script that runs early on the restore boot only (seamless.restore= on
 * its command line), once the restore has journaled `selector` as restored (the restores run side
 * by side: the first record may be another workload's). Returns its removal.
 */
export async function onRestoreBootAfterRestored(name: string, selector: string, body: string): Promise<() => Promise<string>> {
  await guest(`cat > /usr/local/sbin/${name} <<'LAB'
#!/bin/sh
rm -f /etc/systemd/system/sysinit.target.wants/${name}.service
j=$(ls -t /var/lib/seamless/upgrades/*/journal.jsonl | head -1)
for i in $(seq 30000); do grep '"step":"restored"' "$j" | grep -q '"selector":"${selector}"' && break; sleep 0.01; done
${body}
LAB
chmod 755 /usr/local/sbin/${name}
cat > /etc/systemd/system/${name}.service <<'LAB'
[Unit]
DefaultDependencies=no
After=local-fs.target
ConditionKernelCommandLine=seamless.restore
[Service]
ExecStart=/usr/local/sbin/${name}
[Install]
WantedBy=sysinit.target
LAB
systemctl enable ${name}.service 2>&1`);
  return () => guest(`systemctl disable ${name}.service; rm -f /etc/systemd/system/${name}.service`);
}

/** A unit's MainPID, ActiveState, ControlGroup and NRestarts, as systemd shows them. */
export async function unitShow(unit: string): Promise<Record<string, string>> {
  const text = await guest(`systemctl show -p MainPID -p ActiveState -p ControlGroup -p NRestarts ${unit}`);
  return Object.fromEntries(
    text
      .trim()
      .split('\n')
      .map((l) => l.split('=', 2) as [string, string]),
  );
}

/** The PIDs in a cgroup (a unit's ControlGroup). */
export async function cgroupProcs(cgroup: string): Promise<string[]> {
  return (await guest(`cat '/sys/fs/cgroup${cgroup}/cgroup.procs'`)).trim().split('\n');
}

/** The kernel the guest does not run now (the next upgrade's target). */
export async function otherKernel(): Promise<string> {
  const running = (await guest('uname -r')).trim();
  return running === LAB_KERNELS.target ? LAB_KERNELS.boot : LAB_KERNELS.target;
}

/**
 * A fresh lab with this checkout's agent: a lab left on another kernel (an earlier kexec) is
 * not the starting point, so a running one is stopped first.
 */
export async function freshLabWithAgent(): Promise<void> {
  if ((await labStatus()).running) await labDown();
  await labUp();
  await deployAgent();
}

/** Stops the lab after a test file; SEAMLESS_LAB_KEEP=1 leaves it up for inspection. */
export async function stopLab(): Promise<void> {
  if (process.env.SEAMLESS_LAB_KEEP === '1') return console.log('SEAMLESS_LAB_KEEP=1: the lab stays up for inspection');
  await labDown();
}
