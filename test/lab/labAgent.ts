// Why: the lab's upgrade tests (and the upgrade benchmark) talk to the real agent inside the
// guest the same way: deploy the freshly built bundle, ask it through one stdio session kept open
// over SSH (per boot), read the journal, wait for the guest to come back on a kernel. Kept here once.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { labDown, labExec, labStatus, labUp, LAB_KERNELS } from './lab.js';
import { requireRunningLab } from './labTarget.js';
import { sshArgs } from './ssh.js';
import { muxOptions } from './sshMux.js';
import { GUEST_POLL, pollOverlapping } from './pollOverlapping.js';
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
/** /var/lib/lab/redis-fill.json, written by lab-redis-fill.service. */
export interface RedisFill {
  keys: number;
  dbsize: number;
  digest: string;
  ok: boolean;
  sampleSha256: string;
  expectedSampleSha256: string;
}
export type Answer = { id: number; result?: unknown; error?: { code: string; message: string; evidence?: string } };

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function guest(cmd: string, timeoutMs = 5 * MIN): Promise<string> {
  const r = await labExec(cmd, { timeoutMs });
  if (r.code !== 0) throw new Error(`guest command failed (${r.code}): ${cmd}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/**
 * One agent session kept open in the guest for the tests' requests, as the app keeps its own: an
 * agent started in the guest costs 5–7 s of its CPU on TCG (Debian's node has no code cache), and
 * a case asks it a dozen times. A session belongs to one boot of the guest and one deployed agent;
 * the next request after a kexec, a reset or a redeploy opens a new one.
 */
class AgentSession {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private stdout = '';
  private stderr = '';
  ended = false;

  constructor(
    readonly bootId: string,
    readonly agentHash: string,
  ) {
    const lab = requireRunningLab();
    const args = sshArgs(lab.target, { options: muxOptions(lab.target) }, `node ${AGENT}`);
    this.child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    // An idle session does not keep this process alive (a request's timer does, while it waits).
    this.child.unref();
    for (const stream of [this.child.stdin, this.child.stdout, this.child.stderr]) (stream as Socket).unref();
    this.child.stdin!.on('error', () => undefined);
    this.child.stdout!.on('data', (c: Buffer) => this.onData(c.toString('utf8')));
    this.child.stderr!.on('data', (c: Buffer) => {
      this.stderr = (this.stderr + c.toString('utf8')).slice(-4000);
    });
    const end = (why: string) => {
      this.ended = true;
      for (const p of this.pending.values()) p.reject(new Error(`agent gave no answer (${why}):\n${this.stderr}`));
      this.pending.clear();
    };
    this.child.on('error', (e) => end(e.message));
    this.child.on('close', (code) => end(`ssh exit ${code}`));
  }

  private onData(text: string): void {
    this.stdout += text;
    const lines = this.stdout.split('\n');
    this.stdout = lines.pop()!;
    for (const line of lines) {
      if (!line.trim()) continue;
      const msg = JSON.parse(line) as Answer;
      if (typeof msg.id !== 'number') continue; // progress and other notifications
      this.pending.get(msg.id)?.resolve(msg);
      this.pending.delete(msg.id);
    }
  }

  request(method: string, params: unknown, timeoutMs: number): Promise<Answer> {
    if (this.ended) return Promise.reject(new Error(`agent gave no answer (the session had ended):\n${this.stderr}`));
    const id = this.nextId++;
    return new Promise<Answer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        this.close();
        reject(new Error(`agent gave no answer to ${method} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      const settle =
        <T>(f: (v: T) => void) =>
        (v: T) => {
          clearTimeout(timer);
          f(v);
        };
      this.pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      this.child.stdin!.write(JSON.stringify({ id, method, params }) + '\n');
    });
  }

  close(): void {
    this.ended = true;
    this.child.stdin!.end();
    this.child.kill('SIGTERM');
  }
}

let session: AgentSession | undefined;
let deployedHash = '';

async function openSession(): Promise<AgentSession> {
  const boot = await bootId();
  if (session && !session.ended && session.bootId === boot && session.agentHash === deployedHash) return session;
  session?.close();
  const s = new AgentSession(boot, deployedHash);
  session = s;
  const hello = await s.request('hello', { protocolVersion: 2, controller: 'upgrade.lab.test' }, 2 * MIN);
  if (hello.error) throw new Error(`hello: ${hello.error.code}: ${hello.error.message}`);
  return s;
}

/** The given requests through the tests' agent session; returns the answers by 1-based index. */
export async function agent(requests: { method: string; params?: unknown }[]): Promise<Map<number, Answer>> {
  const s = await openSession();
  const answers = await Promise.all(requests.map((r) => s.request(r.method, r.params, 10 * MIN)));
  return new Map(answers.map((a, i) => [i + 1, a]));
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

/**
 * The first output of `cmd` that `pick` accepts, asked with overlapping attempts (GUEST_POLL)
 * while the guest may be rebooting; undefined when the time is up.
 */
function pollGuest<T>(cmd: string, pick: (stdout: string) => T | undefined, timeoutMs: number): Promise<T | undefined> {
  return pollOverlapping(
    async () => {
      const r = await labExec(cmd, { timeoutMs: 20_000 }).catch(() => null);
      return r && r.code === 0 ? pick(r.stdout.trim()) : undefined;
    },
    { ...GUEST_POLL, timeoutMs },
  );
}

/** Polls until the guest answers SSH on `kernel` (QEMU's forward accepts before sshd listens). */
export async function waitForKernel(kernel: string, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  const answered = await pollGuest('uname -r', (out) => (out === kernel ? Date.now() - t0 : undefined), timeoutMs);
  if (answered !== undefined) return answered;
  throw new Error(`the guest did not answer on ${kernel} within ${timeoutMs / 1000} s`);
}

/** This boot's id (changes with every boot, kexec or reset). */
export const bootId = async (): Promise<string> => (await guest('cat /proc/sys/kernel/random/boot_id')).trim();

/** Polls until the guest answers SSH from a boot other than `previous`; returns its kernel. */
export async function waitForNewBoot(previous: string, timeoutMs: number): Promise<string> {
  const kernel = await pollGuest(
    'cat /proc/sys/kernel/random/boot_id; uname -r',
    (out) => {
      const [id, k] = out.split('\n');
      return id && k && id !== previous ? k : undefined;
    },
    timeoutMs,
  );
  if (kernel !== undefined) return kernel;
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
    // while the host reboots, the reads overlap (the first that gets in answers)
    recs =
      (await pollOverlapping(() => journalFile(id).catch(() => undefined), {
        ...GUEST_POLL,
        timeoutMs: Math.max(0, timeoutMs - (Date.now() - t0)),
      })) ?? recs;
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
  deployedHash = local; // the next request opens a session on this agent
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
