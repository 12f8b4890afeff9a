// Why: an admin may ask the app to remember a key's passphrase. Only the desktop app can, through
// the OS keyring (Electron's safeStorage); the CLI and the browser mode never store a secret.
// The controller knows only this interface and says which it is.
export interface SecretVault {
  /** Null when secrets can be remembered; else why not, in words for the admin. */
  readonly unavailable: string | null;
  recall(key: string): string | null;
  remember(key: string, secret: string): void;
  forget(key: string): void;
}

export const NO_VAULT: SecretVault = {
  unavailable: 'This mode never stores secrets; only the desktop app can, with the OS keyring.',
  recall: () => null,
  remember: () => {},
  forget: () => {},
};

export const passphraseKey = (keyPath: string) => `passphrase:${keyPath}`;
