// Why: connecting to a host may need a human: trust this host key? the password? the key's
// passphrase? the sudo password? The UI asks in a dialog, the CLI on the terminal; the
// controller only knows this interface. Answers are used once and never stored.
import type { HostKeyQuestion } from './ssh/hostKeyStore';

export interface Prompter {
  confirmHostKey(hostId: string, q: HostKeyQuestion): Promise<boolean>;
  password(hostId: string, user: string, host: string): Promise<string | null>;
  passphrase(hostId: string, keyPath: string): Promise<string | null>;
  /** The passphrase given for `keyPath` was wrong (forget it if it was remembered). */
  passphraseRejected?(hostId: string, keyPath: string): void;
  sudoPassword(hostId: string, user: string, host: string): Promise<string | null>;
}

/** For non-interactive use: unknown host keys and secrets are refused (keys and agents still work). */
export const refusingPrompter: Prompter = {
  confirmHostKey: async () => false,
  password: async () => null,
  passphrase: async () => null,
  sudoPassword: async () => null,
};
