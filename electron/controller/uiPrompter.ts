// Why: in the app, a question for the admin (trust this host key? password?) becomes a `prompt`
// event for the renderer, and its answer comes back through `prompt.answer`. The secret passes
// through once and is not kept, except a key's passphrase the admin asked to remember in the
// desktop app (through its SecretVault: the OS keyring); an unanswered prompt is cancelled after a while.
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { ApiEvent } from '../../shared/api';
import type { Prompter } from './prompter';
import { NO_VAULT, passphraseKey, type SecretVault } from './secretVault';

const PROMPT_TIMEOUT_MS = 10 * 60_000;

export interface UiPrompter extends Prompter {
  answer(promptId: string, value: boolean | string | null, remember?: boolean): boolean;
}

type Answer = { value: boolean | string | null; remember: boolean };

export function createUiPrompter(events: EventEmitter<{ event: [ApiEvent] }>, vault: SecretVault = NO_VAULT): UiPrompter {
  const waiting = new Map<string, (answer: Answer) => void>();

  function askFull(data: Omit<Extract<ApiEvent, { event: 'prompt' }>['data'], 'promptId'>): Promise<Answer> {
    const promptId = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle({ value: null, remember: false }), PROMPT_TIMEOUT_MS);
      const settle = (answer: Answer) => {
        clearTimeout(timer);
        waiting.delete(promptId);
        events.emit('event', { event: 'prompt.closed', data: { promptId } });
        resolve(answer);
      };
      waiting.set(promptId, settle);
      events.emit('event', { event: 'prompt', data: { promptId, ...data } });
    });
  }
  const ask = async (data: Parameters<typeof askFull>[0]) => (await askFull(data)).value;
  const secret = async (v: Promise<boolean | string | null>) => {
    const value = await v;
    return typeof value === 'string' ? value : null;
  };

  return {
    async confirmHostKey(hostId, q) {
      const others = q.otherKnownTypes.length
        ? ` Other key types are already trusted for it (${q.otherKnownTypes.join(', ')}): be suspicious.`
        : '';
      const value = await ask({
        hostId,
        kind: 'host-key',
        message: `The authenticity of ${q.host}:${q.port} can't be established. Check the ${q.keyType} key fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub) before you trust it.${others}`,
        fingerprint: q.fingerprint,
        keyType: q.keyType,
        secret: false,
      });
      return value === true;
    },
    password: (hostId, user, host) => secret(ask({ hostId, kind: 'password', message: `Password for ${user}@${host}`, secret: true })),
    async passphrase(hostId, keyPath) {
      const remembered = vault.recall(passphraseKey(keyPath));
      if (remembered !== null) return remembered;
      const { value, remember } = await askFull({
        hostId,
        kind: 'passphrase',
        message: `Passphrase for the key ${keyPath}`,
        secret: true,
        remember: vault.unavailable === null ? { possible: true } : { possible: false, why: vault.unavailable },
      });
      if (typeof value !== 'string') return null;
      if (remember) vault.remember(passphraseKey(keyPath), value);
      return value;
    },
    passphraseRejected: (_hostId, keyPath) => vault.forget(passphraseKey(keyPath)),
    sudoPassword: (hostId, user, host) =>
      secret(
        ask({ hostId, kind: 'sudo-password', message: `sudo password for ${user} on ${host} (the agent runs as root)`, secret: true }),
      ),
    answer(promptId, value, remember = false) {
      const settle = waiting.get(promptId);
      if (!settle) return false;
      settle({ value, remember });
      return true;
    },
  };
}
