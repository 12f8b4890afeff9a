// Why: in the app, a question for the admin (trust this host key? password?) becomes a `prompt`
// event for the renderer, and its answer comes back through `prompt.answer`. The secret passes
// through once and is not kept; an unanswered prompt is cancelled after a while.
import { randomUUID } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import type { ApiEvent } from '../../shared/api';
import type { Prompter } from './prompter';

const PROMPT_TIMEOUT_MS = 10 * 60_000;

export interface UiPrompter extends Prompter {
  answer(promptId: string, value: boolean | string | null): boolean;
}

export function createUiPrompter(events: EventEmitter<{ event: [ApiEvent] }>): UiPrompter {
  const waiting = new Map<string, (value: boolean | string | null) => void>();

  function ask(data: Omit<Extract<ApiEvent, { event: 'prompt' }>['data'], 'promptId'>): Promise<boolean | string | null> {
    const promptId = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle(null), PROMPT_TIMEOUT_MS);
      const settle = (value: boolean | string | null) => {
        clearTimeout(timer);
        waiting.delete(promptId);
        events.emit('event', { event: 'prompt.closed', data: { promptId } });
        resolve(value);
      };
      waiting.set(promptId, settle);
      events.emit('event', { event: 'prompt', data: { promptId, ...data } });
    });
  }
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
    passphrase: (hostId, keyPath) =>
      secret(ask({ hostId, kind: 'passphrase', message: `Passphrase for the key ${keyPath}`, secret: true })),
    sudoPassword: (hostId, user, host) =>
      secret(
        ask({ hostId, kind: 'sudo-password', message: `sudo password for ${user} on ${host} (the agent runs as root)`, secret: true }),
      ),
    answer(promptId, value) {
      const settle = waiting.get(promptId);
      if (!settle) return false;
      settle(value);
      return true;
    },
  };
}
