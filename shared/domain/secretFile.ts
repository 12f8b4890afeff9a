// Why: the desktop app's remembered passphrases, each encrypted by the OS keyring, in a file
// that outlives the process; versioned and validated like every file that crosses a boundary.
import * as z from '../zod';

export const SECRET_FILE_VERSION = 1;

export const secretFileSchema = z.object({
  version: z.literal(SECRET_FILE_VERSION),
  /** key (`passphrase:<key path>`) → the keyring's ciphertext, base64. */
  entries: z.record(z.string(), z.string()),
});
export type SecretFile = z.infer<typeof secretFileSchema>;
