// Why: CRIU restores a container's processes into the AppArmor profile they ran under, and fails
// ("can't write lsm profile", then BUG in the restorer) when that profile is not loaded. After a
// kexec nothing has loaded it yet: podman loads its containers-default profile only when it
// starts a container from scratch, never for a restore (podman issue #12437). So the policy the
// kernel had loaded is saved beside the images at the checkpoint (apparmorfs exposes it as
// raw_data) and, on the new boot, loaded again before the restore if the profile is missing,
// after its sha256 is checked. docker loads docker-default itself when dockerd starts.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readText } from '../fs/readOptional';

const SECURITYFS = '/sys/kernel/security/apparmor';

/** Profiles loaded now, by name ("containers-default-0.50.1 (enforce)" lines of apparmorfs' profiles). */
export function loadedProfiles(): Set<string> {
  return new Set(
    readText(`${SECURITYFS}/profiles`)
      .split('\n')
      .map((l) => l.replace(/ \([a-z]+\)$/, ''))
      .filter(Boolean),
  );
}

/** The compiled policy of a loaded profile, as the kernel keeps it (null when not exposed). */
function rawPolicy(profile: string): Buffer | null {
  let dirs: string[] = [];
  try {
    dirs = readdirSync(`${SECURITYFS}/policy/profiles`);
  } catch {
    return null;
  }
  for (const d of dirs) {
    if (readText(join(SECURITYFS, 'policy/profiles', d, 'name')).trim() !== profile) continue;
    try {
      return readFileSync(join(SECURITYFS, 'policy/profiles', d, 'raw_data'));
    } catch {
      return null;
    }
  }
  return null;
}

/** Saves the profile's policy to `file`; its sha256, or null when the kernel does not expose it. */
export function savePolicy(profile: string, file: string): { file: string; sha256: string } | null {
  const raw = rawPolicy(profile);
  if (!raw || raw.length === 0) return null;
  writeFileSync(file, raw, { mode: 0o600 });
  return { file, sha256: createHash('sha256').update(raw).digest('hex') };
}

/**
 * Makes sure `profile` is loaded before a restore. Returns what was done, for the journal:
 * 'loaded' (it was there), 'reloaded' (from the saved policy), or why it could not be.
 */
export function ensureProfile(profile: string, saved: { file: string; sha256: string } | null): { ok: boolean; what: string } {
  if (loadedProfiles().has(profile)) return { ok: true, what: `AppArmor profile ${profile} loaded` };
  if (!saved) return { ok: false, what: `AppArmor profile ${profile} is not loaded and its policy was not saved at the checkpoint` };
  let raw: Buffer;
  try {
    raw = readFileSync(saved.file);
  } catch (err) {
    return { ok: false, what: `AppArmor profile ${profile}: cannot read ${saved.file}: ${String(err)}` };
  }
  if (createHash('sha256').update(raw).digest('hex') !== saved.sha256)
    return { ok: false, what: `AppArmor profile ${profile}: ${saved.file} does not match its sha256 (damaged): not loaded` };
  try {
    writeFileSync(`${SECURITYFS}/.replace`, raw);
  } catch (err) {
    return { ok: false, what: `AppArmor profile ${profile}: the kernel refused the saved policy: ${String(err)}` };
  }
  return loadedProfiles().has(profile)
    ? { ok: true, what: `AppArmor profile ${profile} loaded again from the policy saved at the checkpoint` }
    : { ok: false, what: `AppArmor profile ${profile}: loaded the saved policy, but the profile is still not listed` };
}
