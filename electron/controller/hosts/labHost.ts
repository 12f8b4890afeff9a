// Why: the lab VM (test/lab, `npm run lab -- up`) is a host the controller, the CLI and the UI
// know by name: `lab`. Its address, login key and host key come from the lab's own files; the
// host key was pinned when the image was built, so it is trusted exactly and nothing else is.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SeamlessError } from '../../../shared/errors';
import { HostKeyStore } from '../ssh/hostKeyStore';
import type { SshTarget } from '../ssh/target';

export const LAB_HOST_ID = 'lab';

const runStateSchema = z.object({ port: z.number().int().positive(), imageKey: z.string(), kernel: z.string() });

export function labDir(): string {
  const d = process.env.SEAMLESS_LAB_DIR;
  return d !== undefined && d !== '' ? d : '/var/cache/seamless-lab';
}

/** Whether a lab image exists here (the host is then listed, running or not). */
export function labExists(): boolean {
  return existsSync(join(labDir(), 'images'));
}

export interface LabHost {
  target: SshTarget;
  hostKeys: HostKeyStore;
}

export function labHost(): LabHost {
  const root = labDir();
  const statePath = join(root, 'run', 'state.json');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(statePath, 'utf8'));
  } catch {
    throw new SeamlessError('HOST_UNKNOWN', 'The lab is not running. Start it with: npm run lab -- up', {
      evidence: `${statePath}: missing`,
    });
  }
  const state = runStateSchema.safeParse(raw);
  if (!state.success)
    throw new SeamlessError(
      'HOST_UNKNOWN',
      `The lab's run state is unreadable (${statePath}); run: npm run lab -- down && npm run lab -- up`,
    );
  const image = join(root, 'images', state.data.imageKey);
  const key = join(image, 'id_ed25519');
  const privateStore = join(root, 'run', 'controller');
  mkdirSync(privateStore, { recursive: true });
  return {
    target: {
      spec: LAB_HOST_ID,
      alias: LAB_HOST_ID,
      host: '127.0.0.1',
      port: state.data.port,
      user: 'root',
      identityFiles: [key],
      proxyJump: [],
    },
    // Only the key pinned at build time (written by `lab up` as [127.0.0.1]:PORT) is trusted.
    hostKeys: new HostKeyStore({ configDir: privateStore, userKnownHostsPath: join(root, 'run', 'known_hosts') }),
  };
}
