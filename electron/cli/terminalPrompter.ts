// Why: the CLI asks the admin the same questions as the app (trust this host key? password?),
// on the terminal, with secrets not echoed. Without a terminal it refuses and says how to run
// non-interactively (--accept-host-key, an ssh-agent or a key), instead of hanging.
import { createInterface } from 'node:readline';
import { SeamlessError } from '../../shared/errors';
import type { Prompter } from '../controller/prompter';

function interactive(): boolean {
  return Boolean(process.stdin.isTTY && process.stderr.isTTY);
}

function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => rl.question(question, (a) => (rl.close(), resolve(a))));
}

/** Reads a line without echoing it. */
function askHidden(question: string): Promise<string | null> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    // Echo off before the prompt appears, so nothing typed after it can be echoed.
    stdin.setRawMode(true);
    stdin.resume();
    process.stderr.write(question);
    let value = '';
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done(value);
        if (ch === '\u0003' || ch === '\u0004') return done(null); // Ctrl-C / Ctrl-D cancel
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    const done = (v: string | null) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      resolve(v);
    };
    stdin.on('data', onData);
  });
}

function needTty(what: string): never {
  throw new SeamlessError(
    'AUTH_FAILED',
    `${what} is needed, but this is not an interactive terminal. Use a key or an ssh-agent, or run interactively.`,
  );
}

export const terminalPrompter: Prompter = {
  async confirmHostKey(hostId, q) {
    if (!interactive()) {
      throw new SeamlessError(
        'HOST_KEY_REJECTED',
        `The host key of ${q.host}:${q.port} is not known. Check it on the host, then run again with --accept-host-key ${q.fingerprint}`,
        {
          evidence: `${q.keyType} ${q.fingerprint}`,
        },
      );
    }
    process.stderr.write(
      `The authenticity of host '${hostId}' (${q.host}:${q.port}) can't be established.\n${q.keyType} key fingerprint is ${q.fingerprint}.\n`,
    );
    if (q.otherKnownTypes.length)
      process.stderr.write(`Other key types are already trusted for this host (${q.otherKnownTypes.join(', ')}): be suspicious.\n`);
    const a = (await ask('Trust this key and remember it (yes/no)? ')).trim().toLowerCase();
    return a === 'yes';
  },
  async password(_hostId, user, host) {
    if (!interactive()) needTty(`The password of ${user}@${host}`);
    return askHidden(`${user}@${host}'s password: `);
  },
  async passphrase(_hostId, keyPath) {
    if (!interactive()) needTty(`The passphrase of ${keyPath}`);
    return askHidden(`Enter passphrase for key '${keyPath}': `);
  },
  async sudoPassword(_hostId, user, host) {
    if (!interactive()) needTty(`The sudo password of ${user} on ${host}`);
    return askHidden(`[sudo] password for ${user} on ${host}: `);
  },
};
