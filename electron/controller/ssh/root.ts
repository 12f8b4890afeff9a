// Why: the agent and its deployment need root, but admins log in as themselves. This decides,
// once per connection, how to become root: already root; `sudo -n` (NOPASSWD); or sudo with a
// password that the admin types. The password goes only over the channel's stdin, as the first
// line, to `sudo -S -p ''` (never on a command line, in the environment or in a log), and sudo is
// told to ignore cached credentials (-k), so that line is always consumed by sudo and never
// reaches the command. A wrong password is not retried.
import { SeamlessError, tailOf } from '../../../shared/errors';
import type { SecretMemory } from './auth';
import type { CommandQueue, ExecOptions, ExecResult } from './exec';
import { extractMarked, markedScript, shQuote } from './remoteScript';

export type RootMode = 'root' | 'sudo-nopasswd' | 'sudo-password';

export interface RootOptions {
  /** Asks the admin for their sudo password (UI dialog, CLI prompt); null = cancelled. */
  promptSudoPassword?: (info: { user: string; host: string }) => Promise<string | null>;
}

/** How to start a command as root over one exec channel: the command line and what stdin must begin with. */
export interface RootCommand {
  command: string;
  /** The password line sudo reads first, or null. Write it before anything else. */
  stdinPrefix: Buffer | null;
}

const SUDO_PASSWORD_REFUSED = /incorrect password|Sorry, try again|no password was provided/;
const SUDO_NOT_ALLOWED = /not in the sudoers|not allowed to (run|execute)|may not run sudo/;

export class RootRunner {
  private constructor(
    readonly mode: RootMode,
    readonly loginUser: string,
    readonly loginUid: number,
    private readonly commands: CommandQueue,
    private readonly secrets: SecretMemory,
  ) {}

  /**
   * Finds out how this login becomes root, asking for the sudo password if sudo needs one (or
   * using the one that already worked in this session), and checks it once.
   */
  static async probe(
    commands: CommandQueue,
    where: { user: string; host: string },
    secrets: SecretMemory,
    options: RootOptions,
  ): Promise<RootRunner> {
    const idScript = markedScript('id -u');
    const id = await commands.run(idScript.command, { timeoutMs: 20_000 });
    const uidText = extractMarked(id.stdout, idScript)?.body.trim();
    if (uidText === undefined || !/^\d+$/.test(uidText)) {
      throw new SeamlessError('REMOTE_COMMAND_FAILED', `Could not run "id -u" on ${where.host} as ${where.user}.`, {
        evidence: tailOf(id.stderr + id.stdout),
      });
    }
    const uid = Number(uidText);
    if (uid === 0) return new RootRunner('root', where.user, uid, commands, secrets);

    // The very program the commands run under (/bin/sh): sudoers may allow it without a password
    // while asking one for anything else, and a password line sudo does not read would reach the
    // command (the agent) instead.
    const probe = await commands.run(`LC_ALL=C sudo -n /bin/sh -c true`, { timeoutMs: 20_000 });
    if (probe.code === 0) return new RootRunner('sudo-nopasswd', where.user, uid, commands, secrets);
    if (probe.code === 127 || /command not found|No such file/.test(probe.stderr)) {
      throw sudoRequired(where, 'sudo is not installed there', probe.stderr);
    }
    if (!/password is required/.test(probe.stderr)) throw sudoRequired(where, 'sudo refused', probe.stderr);

    let password = secrets.sudoPassword ?? null;
    if (password === null) {
      if (!options.promptSudoPassword) {
        throw new SeamlessError(
          'SUDO_REQUIRED',
          `${where.user} on ${where.host} needs a password for sudo, and no way to ask for it was given. Enter it when asked, or allow NOPASSWD for ${where.user}.`,
        );
      }
      password = await options.promptSudoPassword({ user: where.user, host: where.host });
      if (password === null) throw sudoRequired(where, 'no sudo password was given', '');
    }
    const runner = new RootRunner('sudo-password', where.user, uid, commands, secrets);
    const check = await commands.run(`LC_ALL=C sudo -k -S -p '' /bin/sh -c true`, { stdin: `${password}\n`, timeoutMs: 20_000 });
    if (check.code !== 0) {
      if (SUDO_NOT_ALLOWED.test(check.stderr)) throw sudoRequired(where, `${where.user} may not use sudo`, check.stderr);
      if (SUDO_PASSWORD_REFUSED.test(check.stderr)) {
        secrets.sudoPassword = undefined;
        throw new SeamlessError(
          'SUDO_PASSWORD_WRONG',
          `sudo on ${where.host} did not accept the password for ${where.user}. Nothing was retried; connect again and type it carefully.`,
          {
            evidence: tailOf(check.stderr.replace(password, '***')),
          },
        );
      }
      throw sudoRequired(where, 'sudo failed', check.stderr);
    }
    secrets.sudoPassword = password;
    return runner;
  }

  /** How to run `command` (a shell command line) as root. */
  wrap(command: string): RootCommand {
    switch (this.mode) {
      case 'root':
        return { command, stdinPrefix: null };
      case 'sudo-nopasswd':
        return { command: `sudo -n /bin/sh -c ${shQuote(command)}`, stdinPrefix: null };
      case 'sudo-password': {
        const password = this.secrets.sudoPassword;
        if (password === undefined)
          throw new SeamlessError('SUDO_REQUIRED', 'The sudo password of this session is gone (the session was closed).');
        return { command: `LC_ALL=C sudo -k -S -p '' /bin/sh -c ${shQuote(command)}`, stdinPrefix: Buffer.from(`${password}\n`) };
      }
    }
  }

  /** Runs a shell command as root through the command queue. */
  async run(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const { command: line, stdinPrefix } = this.wrap(command);
    let stdin = options.stdin;
    if (stdinPrefix) {
      const rest = stdin;
      stdin = async function* () {
        yield stdinPrefix;
        if (rest === undefined) return;
        if (typeof rest === 'function') yield* rest();
        else yield Buffer.from(rest);
      };
    }
    const result = await this.commands.run(line, { ...options, ...(stdin !== undefined ? { stdin } : {}) });
    if (stdinPrefix && result.code !== 0 && SUDO_PASSWORD_REFUSED.test(result.stderr)) {
      throw new SeamlessError('SUDO_PASSWORD_WRONG', 'sudo no longer accepts the password given in this session (was it changed?).', {
        evidence: tailOf(result.stderr),
      });
    }
    return result;
  }
}

function sudoRequired(where: { user: string; host: string }, why: string, stderr: string): SeamlessError {
  return new SeamlessError(
    'SUDO_REQUIRED',
    `Seamless needs root on ${where.host}, but ${why}. Log in as root, or give ${where.user} sudo rights: ` +
      `"${where.user} ALL=(ALL:ALL) ALL" in /etc/sudoers.d/seamless (visudo -f /etc/sudoers.d/seamless).`,
    { evidence: tailOf(stderr) },
  );
}
