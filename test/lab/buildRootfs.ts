// Why: the lab's root filesystem is made the way a Debian server is: debootstrap
// (minbase, plus the lab's packages) from this machine's mirror, then the two
// kernels installed with apt inside a chroot after the initramfs has been told to
// stay small. Part of the recipe hash.
import { mkdirSync, readdirSync, statSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runOk } from './run.js';
import { chrootRun, withChroot } from './chroot.js';
import { BASE_PACKAGES, SUITE, kernelPackages, type KernelPair } from './imageRecipe.js';
import { renderDeb822, type AptSource } from './aptSources.js';
import { prepareForKernels } from './configureGuest.js';

export async function debootstrap(rootfs: string, mirror: string, logFile: string): Promise<void> {
  mkdirSync(rootfs, { recursive: true });
  await runOk('debootstrap', ['--variant=minbase', `--include=${BASE_PACKAGES.join(',')}`, '--components=main', SUITE, rootfs, mirror], {
    logFile,
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C.UTF-8' },
  });
}

/**
 * apt in the chroot sees the same Debian suites as the host (bookworm,
 * -updates, -security), so a kernel that only security carries is found.
 */
export async function installKernels(rootfs: string, kernels: KernelPair, sources: readonly AptSource[], logFile: string): Promise<void> {
  rmSync(join(rootfs, 'etc/apt/sources.list'), { force: true });
  writeFileSync(join(rootfs, 'etc/apt/sources.list.d/debian.sources'), renderDeb822(sources));
  prepareForKernels(rootfs);
  await withChroot(rootfs, async () => {
    await chrootRun(rootfs, ['apt-get', 'update'], logFile);
    await chrootRun(
      rootfs,
      ['apt-get', 'install', '-y', '--no-install-recommends', '-o', 'Dpkg::Options::=--force-confold', ...kernelPackages(kernels)],
      logFile,
    );
  });
  for (const k of [kernels.boot, kernels.target]) {
    for (const f of [`vmlinuz-${k}`, `initrd.img-${k}`]) {
      if (!statSync(join(rootfs, 'boot', f), { throwIfNoEntry: false })?.isFile()) {
        throw new Error(`/boot/${f} is missing after installing the kernels (see ${logFile})`);
      }
    }
  }
}

/** apt's caches and lists are not needed in the guest (and are most of a GB). */
export function trimRootfs(rootfs: string): void {
  for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists']) {
    const p = join(rootfs, dir);
    for (const name of readdirSync(p)) {
      if (name === 'partial' || name === 'lock') continue;
      rmSync(join(p, name), { recursive: true, force: true });
    }
  }
  for (const f of ['var/cache/apt/pkgcache.bin', 'var/cache/apt/srcpkgcache.bin']) {
    rmSync(join(rootfs, f), { force: true });
  }
}
