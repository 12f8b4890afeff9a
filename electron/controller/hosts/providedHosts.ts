// Why: hosts handed in by the launcher (see shared/domain/providedHost.ts), read from the files
// it named each time they are listed or connected, so a lab started or stopped meanwhile shows
// as it is. Their host keys are the pinned ones only: nothing is asked, nothing else trusted.
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { providedHostSchema, type ProvidedHost } from '../../../shared/domain/providedHost';
import type { HostRef } from '../../../shared/domain/host';
import { SeamlessError } from '../../../shared/errors';
import { HostKeyStore } from '../ssh/hostKeyStore';
import type { SshTarget } from '../ssh/target';

/** The environment variable the launchers set: provider files, separated by ':'. */
export const HOST_PROVIDERS_ENV = 'SEAMLESS_HOST_PROVIDERS';

export function hostProviderFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env[HOST_PROVIDERS_ENV] ?? '').split(':').filter((f) => f !== '');
}

function read(file: string): ProvidedHost | null {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null; // not written yet (a lab never started): not listed
  }
  const parsed = providedHostSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export class ProvidedHosts {
  constructor(private readonly files: readonly string[]) {}

  list(): HostRef[] {
    return this.files.flatMap((f) => {
      const h = read(f);
      if (!h) return [];
      return [
        {
          id: h.id,
          label: h.label,
          kind: 'ssh' as const,
          provided: { state: h.state, controllable: h.control !== undefined, hint: h.hint },
        },
      ];
    });
  }

  /** The provider of `id` and the file it came from, null when none names it. */
  find(id: string): { file: string; host: ProvidedHost } | null {
    for (const file of this.files) {
      const host = read(file);
      if (host?.id === id) return { file, host };
    }
    return null;
  }

  /** The target and pinned keys of a provided host, null when no provider names `id`. */
  targetFor(id: string): { target: SshTarget; hostKeys: HostKeyStore } | null {
    const found = this.find(id);
    if (found) {
      const { file, host: h } = found;
      if (h.state !== 'running' || !h.target)
        throw new SeamlessError('HOST_UNKNOWN', `${h.label} is not running. ${h.hint}`, { evidence: `${file}: state ${h.state}` });
      const t = h.target;
      const privateStore = join(dirname(file), `.${h.id}-host-keys`);
      mkdirSync(privateStore, { recursive: true, mode: 0o700 });
      return {
        target: { spec: h.id, alias: h.id, host: t.host, port: t.port, user: t.user, identityFiles: [t.identityFile], proxyJump: [] },
        hostKeys: new HostKeyStore({ configDir: privateStore, userKnownHostsPath: t.knownHostsFile }),
      };
    }
    return null;
  }
}
