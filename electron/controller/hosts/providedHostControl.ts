// Why: a provider that allows it (the lab) is started and stopped from the app, so a fresh
// checkout leads to a real upgrade without a terminal. The controller runs the provider's own
// commands, streams their progress lines as events, and keeps their stderr as the evidence of a
// failure. Those commands run as the controller's user (root on the lab's machine): they are run
// only when neither the provider file nor the program could have been changed by another user.
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { providerProgressSchema, type ProvidedHost, type ProviderStage } from '../../../shared/domain/providedHost';
import { SeamlessError } from '../../../shared/errors';

export type ControlAction = 'start' | 'stop';

export interface ControlProgress {
  hostId: string;
  action: ControlAction;
  stage: ProviderStage;
  line: string;
  elapsedS: number;
}

/** A start builds the image on a fresh machine (minutes) and boots under TCG; a stop is quick. */
const TIMEOUT_MS: Record<ControlAction, number> = { start: 45 * 60_000, stop: 5 * 60_000 };
const EVIDENCE_LINES = 40;

/** Why `path` could be replaced by someone other than us or root, or null when it cannot. */
export function writableByOthers(path: string, uid: number = process.getuid?.() ?? 0): string | null {
  let st;
  try {
    st = statSync(path);
  } catch {
    return `${path} does not exist`;
  }
  if (st.uid !== uid && st.uid !== 0) return `${path} belongs to uid ${st.uid}`;
  if ((st.mode & 0o022) !== 0) return `${path} is writable by its group or by everyone (mode ${(st.mode & 0o777).toString(8)})`;
  return null;
}

export class ProvidedHostControl {
  private readonly busy = new Map<string, ControlAction>();
  private readonly children = new Set<ReturnType<typeof spawn>>();

  constructor(private readonly emit: (p: ControlProgress) => void) {}

  /** Runs the provider's start or stop command to its end; progress goes to `emit`. */
  async run(file: string, host: ProvidedHost, action: ControlAction): Promise<void> {
    const control = host.control;
    if (!control)
      throw new SeamlessError('HOST_UNKNOWN', `${host.label} cannot be started or stopped from the app. ${host.hint}`, { evidence: file });
    const argv = control[action];
    const program = argv[0]!;
    const missing = [control.cwd, program].find((p) => isAbsolute(p) && !existsSync(p));
    if (missing)
      throw new SeamlessError(
        'HOST_CONTROL_FAILED',
        `Cannot ${action} ${host.label}: ${missing} does not exist (its provider file was written by a checkout that has moved). ${host.hint}`,
        { evidence: `${file}: ${argv.join(' ')}` },
      );
    const doubt =
      writableByOthers(file) ??
      (isAbsolute(program) ? null : `the command ${program} is not an absolute path`) ??
      // The program, and every file it is given (a script it runs), as well as where it runs.
      [control.cwd, ...argv.filter((a) => isAbsolute(a) && existsSync(a))].map((p) => writableByOthers(p)).find((d) => d !== null) ??
      null;
    if (doubt)
      throw new SeamlessError(
        'HOST_PROVIDER_UNTRUSTED',
        `Not running the ${action} command of ${host.label}: ${doubt}. Make it owned by you or root and not writable by others.`,
        { evidence: `${file}: ${argv.join(' ')}` },
      );
    const current = this.busy.get(host.id);
    if (current)
      throw new SeamlessError(
        'HOST_CONTROL_BUSY',
        `${host.label} is already being ${current === 'start' ? 'started' : 'stopped'}; wait for it to finish.`,
      );
    this.busy.set(host.id, action);
    try {
      await this.exec(host, action, argv, control.cwd);
    } finally {
      this.busy.delete(host.id);
    }
  }

  private exec(host: ProvidedHost, action: ControlAction, argv: string[], cwd: string): Promise<void> {
    const t0 = Date.now();
    let stage: ProviderStage = action === 'start' ? 'build' : 'stopping';
    let lastMessage = '';
    const stderr: string[] = [];
    const say = (line: string) => this.emit({ hostId: host.id, action, stage, line, elapsedS: Math.round((Date.now() - t0) / 100) / 10 });
    return new Promise<void>((resolve, reject) => {
      const child = spawn(argv[0]!, argv.slice(1), { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      this.children.add(child);
      const timer = setTimeout(() => {
        say(`no end after ${TIMEOUT_MS[action] / 60_000} min: stopping the command`);
        killGroup(child.pid);
      }, TIMEOUT_MS[action]);
      lines(child.stdout, (line) => {
        let parsed: unknown = null;
        try {
          parsed = JSON.parse(line);
        } catch {
          // a plain line of output: shown as it is
        }
        const p = providerProgressSchema.safeParse(parsed);
        if (p.success) {
          stage = p.data.stage;
          lastMessage = p.data.message;
          say(p.data.message);
        } else say(line);
      });
      lines(child.stderr, (line) => {
        stderr.push(line);
        if (stderr.length > EVIDENCE_LINES) stderr.shift();
      });
      say(action === 'start' ? `starting ${host.label}` : `stopping ${host.label}`);
      child.on('error', (err) => {
        clearTimeout(timer);
        this.children.delete(child);
        reject(
          new SeamlessError('HOST_CONTROL_FAILED', `Could not run the ${action} command of ${host.label}: ${err.message}`, {
            evidence: argv.join(' '),
          }),
        );
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        this.children.delete(child);
        if (code === 0) return resolve();
        const how = signal ? `was stopped by ${signal}` : `exited with ${code}`;
        reject(
          new SeamlessError(
            'HOST_CONTROL_FAILED',
            `${action === 'start' ? 'Starting' : 'Stopping'} ${host.label} failed: the command ${how}${lastMessage ? ` after “${lastMessage}”` : ''}.`,
            { evidence: stderr.join('\n') || '(no output on stderr)' },
          ),
        );
      });
    });
  }

  /** Stops commands still running (the app is closing); what they started may be left running. */
  close(): void {
    for (const c of this.children) killGroup(c.pid);
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buf = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i).trimEnd();
      buf = buf.slice(i + 1);
      if (line) onLine(line);
    }
  });
  stream.on('end', () => {
    if (buf.trim()) onLine(buf.trim());
  });
}
