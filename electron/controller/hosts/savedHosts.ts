// Why: hosts the admin added in the app are remembered (name and SSH target only: never a
// password) in Seamless's config directory, written atomically with mode 0600.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const savedHostSchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  spec: z.string().min(1),
  /** A key file to try first (absolute path), as `ssh -i`. */
  identityFile: z.string().startsWith('/').optional(),
  /** A jump host (user@host[:port] or an alias), as `ssh -J`. */
  proxyJump: z.string().min(1).optional(),
});
export type SavedHost = z.infer<typeof savedHostSchema>;

export class SavedHosts {
  constructor(private readonly configDir: string) {}

  private get path(): string {
    return join(this.configDir, 'hosts.json');
  }

  list(): SavedHost[] {
    try {
      const parsed = z.array(savedHostSchema).safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      return parsed.success ? parsed.data : [];
    } catch {
      return [];
    }
  }

  add(host: SavedHost): void {
    const hosts = this.list().filter((h) => h.id !== host.id);
    hosts.push(host);
    mkdirSync(this.configDir, { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.tmp-${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify(hosts, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, this.path);
  }
}
