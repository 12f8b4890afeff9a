// Why: the lab needs a few host tools, and a missing one must fail loudly with
// the Debian package to install (CI installs test/lab/PACKAGES), never skip.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { LabError } from './errors.js';

/** Tool -> Debian package that provides it. */
export const TOOL_PACKAGES: Readonly<Record<string, string>> = {
  debootstrap: 'debootstrap',
  'qemu-system-x86_64': 'qemu-system-x86',
  'qemu-img': 'qemu-utils',
  mke2fs: 'e2fsprogs',
  gcc: 'gcc',
  ssh: 'openssh-client',
  'ssh-keygen': 'openssh-client',
  chroot: 'coreutils',
  mount: 'mount',
  umount: 'mount',
  'apt-cache': 'apt',
  du: 'coreutils',
};

export const BUILD_TOOLS = ['debootstrap', 'mke2fs', 'gcc', 'ssh-keygen', 'chroot', 'mount', 'umount', 'apt-cache', 'du'];
export const RUN_TOOLS = ['qemu-system-x86_64', 'qemu-img', 'ssh'];

export function which(tool: string, path = process.env['PATH'] ?? ''): string | undefined {
  // sbin is where debootstrap and mke2fs live, and not every PATH has it
  const dirs = [...path.split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    if (d === '') continue;
    try {
      accessSync(join(d, tool), constants.X_OK);
      return join(d, tool);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Missing tools and the Debian packages that would provide them. */
export function missingTools(tools: readonly string[]): { tools: string[]; packages: string[] } {
  const missing = tools.filter((t) => which(t) === undefined);
  const packages = [...new Set(missing.map((t) => TOOL_PACKAGES[t] ?? t))];
  return { tools: missing, packages };
}

export function requireTools(tools: readonly string[]): void {
  const m = missingTools(tools);
  if (m.tools.length > 0) {
    throw new LabError(
      'MISSING_TOOLS',
      `the lab needs ${m.tools.join(', ')}: install the Debian packages with\n  apt-get install -y ${m.packages.join(' ')}\n(all of the lab's host packages are listed in test/lab/PACKAGES)`,
    );
  }
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new LabError('MISSING_TOOLS', 'building the lab needs root (debootstrap, chroot and its mounts)');
  }
}
