// Why: remembered passphrases are encrypted by the OS keyring (safeStorage) and kept in a file
// only the user can read (0600). Where the keyring is missing (Linux without a
// secret service: safeStorage would fall back to a fixed key, "basic_text"), nothing is
// remembered and the app says so, rather than writing a secret anyone could decrypt.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { secretFileSchema, SECRET_FILE_VERSION, type SecretFile } from '../../shared/domain/secretFile';
import type { SecretVault } from '../controller/secretVault';

/** What the vault needs of Electron's safeStorage. */
export interface Encryptor {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(cipher: Buffer): string;
}

export function whyNoKeyring(enc: Encryptor, platform: NodeJS.Platform): string | null {
  if (!enc.isEncryptionAvailable()) return 'The OS offers no keyring to encrypt secrets with, so the app cannot remember passphrases.';
  if (platform === 'linux' && (enc.getSelectedStorageBackend?.() ?? 'unknown') === 'basic_text')
    return 'No keyring (gnome-keyring or KWallet) is running, so the app cannot remember passphrases: it would have to store them almost in plain text.';
  return null;
}

export function createSafeStorageVault(enc: Encryptor, file: string, platform: NodeJS.Platform = process.platform): SecretVault {
  const unavailable = whyNoKeyring(enc, platform);
  const load = (): SecretFile => {
    try {
      const parsed = secretFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (parsed.success) return parsed.data;
    } catch {
      // none yet
    }
    return { version: SECRET_FILE_VERSION, entries: {} };
  };
  const save = (doc: SecretFile) => {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(`${file}.tmp`, JSON.stringify(doc), { mode: 0o600 });
    chmodSync(`${file}.tmp`, 0o600);
    renameSync(`${file}.tmp`, file);
  };
  return {
    unavailable,
    recall(key) {
      if (unavailable) return null;
      const cipher = load().entries[key];
      if (!cipher) return null;
      try {
        return enc.decryptString(Buffer.from(cipher, 'base64'));
      } catch {
        return null; // another keyring, another user: as if not remembered
      }
    },
    remember(key, secret) {
      if (unavailable) return;
      const doc = load();
      save({ ...doc, entries: { ...doc.entries, [key]: enc.encryptString(secret).toString('base64') } });
    },
    forget(key) {
      const doc = load();
      if (!(key in doc.entries)) return;
      const { [key]: _gone, ...entries } = doc.entries;
      save({ ...doc, entries });
    },
  };
}
