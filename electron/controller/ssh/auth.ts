// Why: logging in must be predictable and explainable. Methods are tried in one fixed order,
// the order ssh(1) uses by default: the ssh-agent (no secret leaves the agent), then key files
// (ask a passphrase only when a key is encrypted, once), then keyboard-interactive (PAM), then a
// password. Each is tried at most once, never in a loop (sshd counts failures and may ban), and
// when all fail the error lists every method with the reason it was refused or skipped.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { utils, type AnyAuthMethod, type AuthenticationType, type AuthHandlerMiddleware, type ParsedKey, type Prompt } from 'ssh2';
import { SeamlessError } from '../../../shared/errors';

export type AuthKind = 'agent' | 'key' | 'keyboard-interactive' | 'password';

/** One method in the fixed order, with what it needs. */
export type AuthStep =
  | { kind: 'agent'; socket: string | null }
  | { kind: 'key'; path: string; explicit: boolean }
  | { kind: 'keyboard-interactive' }
  | { kind: 'password' };

export interface AuthAttempt {
  /** e.g. "agent", "key ~/.ssh/id_ed25519", "keyboard-interactive", "password". */
  method: string;
  result: 'accepted' | 'refused' | 'skipped';
  reason: string;
}

export interface KeyboardInteractiveQuestion {
  user: string;
  host: string;
  name: string;
  instructions: string;
  prompts: { prompt: string; echo: boolean }[];
}

export interface AuthOptions {
  /** The ssh-agent socket; default $SSH_AUTH_SOCK; null = do not use an agent. */
  agentSocket?: string | null;
  /** Key files to try when the target names none (default: ~/.ssh/id_rsa, id_ecdsa, id_ed25519 that exist). */
  identityFiles?: string[];
  /** Restrict (not reorder) the methods; default all four. */
  methods?: AuthKind[];
  promptPassphrase?: (keyPath: string) => Promise<string | null>;
  /** Told when a passphrase did not open its key (a remembered one is then forgotten). */
  passphraseRejected?: (keyPath: string) => void;
  promptPassword?: (user: string, host: string) => Promise<string | null>;
  /** Answers a keyboard-interactive round; without it, a lone hidden "Password:" prompt is answered with promptPassword. */
  promptKeyboardInteractive?: (question: KeyboardInteractiveQuestion) => Promise<string[] | null>;
}

/**
 * Secrets that already worked, held in memory only for the life of one session so that an
 * automatic reconnect (after a network drop or a kexec) does not ask the admin again. Never
 * written anywhere; `clear()` drops them when the session closes.
 */
export class SecretMemory {
  readonly passphrases = new Map<string, string>();
  password: string | undefined;
  sudoPassword: string | undefined;
  clear(): void {
    this.passphrases.clear();
    this.password = undefined;
    this.sudoPassword = undefined;
  }
}

const DEFAULT_KEYS = ['id_rsa', 'id_ecdsa', 'id_ed25519'];

/** The fixed order, with the key files to try. */
export function planAuth(identityFiles: readonly string[], options: AuthOptions, home: string = homedir()): AuthStep[] {
  const allowed = new Set<AuthKind>(options.methods ?? ['agent', 'key', 'keyboard-interactive', 'password']);
  const steps: AuthStep[] = [];
  if (allowed.has('agent'))
    steps.push({ kind: 'agent', socket: options.agentSocket === undefined ? (process.env.SSH_AUTH_SOCK ?? null) : options.agentSocket });
  if (allowed.has('key')) {
    const explicit = identityFiles.length > 0 ? identityFiles : (options.identityFiles ?? []);
    if (explicit.length > 0) for (const path of explicit) steps.push({ kind: 'key', path, explicit: true });
    else for (const name of DEFAULT_KEYS) steps.push({ kind: 'key', path: join(home, '.ssh', name), explicit: false });
  }
  if (allowed.has('keyboard-interactive')) steps.push({ kind: 'keyboard-interactive' });
  if (allowed.has('password')) steps.push({ kind: 'password' });
  return steps;
}

export function stepLabel(step: AuthStep): string {
  switch (step.kind) {
    case 'agent':
      return 'agent';
    case 'key':
      return `key ${tildify(step.path)}`;
    default:
      return step.kind;
  }
}

function tildify(path: string): string {
  const home = homedir();
  return path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

const SERVER_METHOD: Record<AuthKind, AuthenticationType> = {
  agent: 'publickey',
  key: 'publickey',
  'keyboard-interactive': 'keyboard-interactive',
  password: 'password',
};

export interface AuthContext {
  user: string;
  host: string;
  steps: AuthStep[];
  options: AuthOptions;
  secrets: SecretMemory;
  /** Wraps every wait for a human, so the caller can stop its handshake timer meanwhile. */
  onAsk?: <T>(p: Promise<T>) => Promise<T>;
  /** Called when the first method is about to be tried (the UI shows "authenticating"). */
  onStart?: () => void;
}

type Pending = { label: string; kind: AuthKind | 'none'; usedPassword?: string };

/**
 * Builds ssh2's `authHandler` (callback form: ssh2 waits for `next`) and keeps the report of
 * what was tried. It opens with "none" to learn which methods the server offers, as ssh(1) does.
 */
export class Authenticator {
  readonly attempts: AuthAttempt[] = [];
  private index = 0;
  private pending: Pending | null = null;
  private started = false;
  private offered: AuthenticationType[] | null = null;
  private passwordRefusedViaKbd = false;
  private agentError: string | null = null;

  constructor(private readonly ctx: AuthContext) {}

  /** ssh2 reports agent failures (socket gone, no keys) as an 'error' event: note it for the report. */
  noteAgentError(message: string): void {
    this.agentError = message;
  }

  /** The connection is authenticated: the last attempt was accepted; keep the secret for reconnects. */
  succeeded(): void {
    if (!this.pending) return;
    this.attempts.push({ method: this.pending.label, result: 'accepted', reason: 'accepted by server' });
    if (this.pending.usedPassword !== undefined) this.ctx.secrets.password = this.pending.usedPassword;
    this.pending = null;
  }

  failure(): SeamlessError {
    const list = this.attempts.map((a) => `${a.method}: ${a.reason}`);
    return new SeamlessError(
      'AUTH_FAILED',
      `Could not log in as ${this.ctx.user} on ${this.ctx.host}. Tried: ${list.join('; ') || 'nothing'}. ` +
        `Check the user name, add your public key to ~${this.ctx.user}/.ssh/authorized_keys on the host, or load it into ssh-agent.`,
      { details: { attempts: this.attempts, offered: this.offered } },
    );
  }

  readonly handler: AuthHandlerMiddleware = (methodsLeft, partial, next) => {
    const finish = next as (m: AnyAuthMethod | false) => void;
    if (methodsLeft) this.offered = methodsLeft;
    if (!this.started) {
      this.started = true;
      this.ctx.onStart?.();
      this.pending = { label: 'none', kind: 'none' };
      finish({ type: 'none', username: this.ctx.user });
      return;
    }
    this.settlePending(partial);
    void this.advance().then(finish, () => finish(false));
  };

  private settlePending(partial: boolean): void {
    const p = this.pending;
    this.pending = null;
    if (!p || p.kind === 'none') return;
    if (partial) {
      this.attempts.push({ method: p.label, result: 'accepted', reason: 'accepted, but the server requires another method too' });
      return;
    }
    let reason = p.kind === 'password' ? 'wrong password (refused by server)' : 'refused by server';
    if (p.kind === 'keyboard-interactive' && p.usedPassword !== undefined) {
      this.passwordRefusedViaKbd = true;
      reason = 'refused by server (wrong password?)';
    }
    if (p.kind === 'agent') {
      reason = this.agentError ? `agent error: ${this.agentError}` : 'no key in the agent was accepted';
      this.agentError = null;
    }
    this.attempts.push({ method: p.label, result: 'refused', reason });
  }

  private skip(step: AuthStep, reason: string): void {
    this.attempts.push({ method: stepLabel(step), result: 'skipped', reason });
  }

  private ask<T>(p: Promise<T>): Promise<T> {
    return this.ctx.onAsk ? this.ctx.onAsk(p) : p;
  }

  /** The next method to send, or false when every method has had its one try. */
  private async advance(): Promise<AnyAuthMethod | false> {
    const { user } = this.ctx;
    while (this.index < this.ctx.steps.length) {
      const step = this.ctx.steps[this.index++]!;
      if (this.offered && !this.offered.includes(SERVER_METHOD[step.kind])) {
        if (step.kind !== 'key' || step.explicit) this.skip(step, `not offered by the server (it offers: ${this.offered.join(', ')})`);
        continue;
      }
      switch (step.kind) {
        case 'agent':
          if (!step.socket) {
            this.skip(step, 'no SSH_AUTH_SOCK');
            continue;
          }
          this.pending = { label: stepLabel(step), kind: 'agent' };
          return { type: 'agent', username: user, agent: step.socket };
        case 'key': {
          const key = await this.loadKey(step);
          if (!key) continue;
          this.pending = { label: stepLabel(step), kind: 'key' };
          return { type: 'publickey', username: user, key };
        }
        case 'keyboard-interactive': {
          const pending: Pending = { label: 'keyboard-interactive', kind: 'keyboard-interactive' };
          this.pending = pending;
          return {
            type: 'keyboard-interactive',
            username: user,
            prompt: (name, instructions, _lang, prompts, answer) => {
              this.answerKeyboard(name, instructions, prompts, pending).then(answer, () => answer([]));
            },
          };
        }
        case 'password': {
          if (this.passwordRefusedViaKbd) {
            this.skip(step, 'not tried: the same password was already refused via keyboard-interactive');
            continue;
          }
          const password = await this.getPassword();
          if (password === null) {
            this.skip(step, 'no password given');
            continue;
          }
          this.pending = { label: 'password', kind: 'password', usedPassword: password };
          return { type: 'password', username: user, password };
        }
      }
    }
    return false;
  }

  private async getPassword(): Promise<string | null> {
    if (this.ctx.secrets.password !== undefined) return this.ctx.secrets.password;
    if (!this.ctx.options.promptPassword) return null;
    return this.ask(this.ctx.options.promptPassword(this.ctx.user, this.ctx.host));
  }

  private async answerKeyboard(name: string, instructions: string, prompts: Prompt[], pending: Pending): Promise<string[]> {
    if (prompts.length === 0) return [];
    const question: KeyboardInteractiveQuestion = {
      user: this.ctx.user,
      host: this.ctx.host,
      name,
      instructions,
      prompts: prompts.map((p) => ({ prompt: p.prompt, echo: p.echo === true })),
    };
    const custom = this.ctx.options.promptKeyboardInteractive;
    if (custom) return (await this.ask(custom(question))) ?? [];
    // PAM's usual single round: one hidden "Password:" prompt.
    if (prompts.length === 1 && prompts[0]!.echo !== true && /password/i.test(prompts[0]!.prompt)) {
      const password = await this.getPassword();
      if (password === null) return [];
      pending.usedPassword = password;
      return [password];
    }
    return [];
  }

  private async loadKey(step: Extract<AuthStep, { kind: 'key' }>): Promise<ParsedKey | null> {
    let data: Buffer;
    try {
      data = readFileSync(step.path);
    } catch (err) {
      // ssh(1) silently skips default key files that do not exist; a named one is reported.
      if (step.explicit || (err as NodeJS.ErrnoException).code !== 'ENOENT')
        this.skip(step, `cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      return null;
    }
    let parsed = utils.parseKey(data);
    if (parsed instanceof Error && /encrypted/i.test(parsed.message)) {
      let passphrase = this.ctx.secrets.passphrases.get(step.path) ?? null;
      if (passphrase === null) {
        if (!this.ctx.options.promptPassphrase) {
          this.skip(step, 'encrypted, and no passphrase prompt is available');
          return null;
        }
        passphrase = await this.ask(this.ctx.options.promptPassphrase(step.path));
        if (passphrase === null) {
          this.skip(step, 'encrypted, no passphrase given');
          return null;
        }
      }
      parsed = utils.parseKey(data, passphrase);
      if (parsed instanceof Error) {
        this.ctx.options.passphraseRejected?.(step.path);
        this.skip(step, 'wrong passphrase');
        return null;
      }
      this.ctx.secrets.passphrases.set(step.path, passphrase);
    }
    if (parsed instanceof Error) {
      this.skip(step, `not a usable private key (${parsed.message})`);
      return null;
    }
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!key || !key.isPrivateKey()) {
      this.skip(step, 'not a private key');
      return null;
    }
    return key;
  }
}
