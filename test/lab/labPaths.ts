// Why: the lab keeps big, slow-to-make things (the image, kernels, keys) in a
// cache outside the checkout and its running VM's files in a run directory;
// every module finds them through these helpers instead of building paths.
import { join } from 'node:path';

export const DEFAULT_LAB_DIR = '/var/cache/seamless-lab';

/** $SEAMLESS_LAB_DIR, or /var/cache/seamless-lab. */
export function labDir(env: NodeJS.ProcessEnv = process.env): string {
  const d = env['SEAMLESS_LAB_DIR'];
  return d !== undefined && d !== '' ? d : DEFAULT_LAB_DIR;
}

export interface ImagePaths {
  /** The cache entry: images/<key>/ */
  dir: string;
  image: string;
  manifest: string;
  clientKey: string;
  clientPub: string;
  hostKeyPub: string;
  bin: string;
  kernel(release: string): string;
  initrd(release: string): string;
}

export function imagesDir(root: string): string {
  return join(root, 'images');
}

export function imagePaths(root: string, key: string): ImagePaths {
  const dir = join(imagesDir(root), key);
  return imagePathsIn(dir);
}

/** The same layout inside any directory (the temporary build directory, too). */
export function imagePathsIn(dir: string): ImagePaths {
  return {
    dir,
    image: join(dir, 'image.raw'),
    manifest: join(dir, 'manifest.json'),
    clientKey: join(dir, 'id_ed25519'),
    clientPub: join(dir, 'id_ed25519.pub'),
    hostKeyPub: join(dir, 'ssh_host_ed25519_key.pub'),
    bin: join(dir, 'bin'),
    kernel: (release) => join(dir, `vmlinuz-${release}`),
    initrd: (release) => join(dir, `initrd.img-${release}`),
  };
}

export interface RunPaths {
  dir: string;
  overlay: string;
  pidfile: string;
  serialLog: string;
  knownHosts: string;
  state: string;
}

export function runPaths(root: string): RunPaths {
  const dir = join(root, 'run');
  return {
    dir,
    overlay: join(dir, 'overlay.qcow2'),
    pidfile: join(dir, 'qemu.pid'),
    serialLog: join(dir, 'serial.log'),
    knownHosts: join(dir, 'known_hosts'),
    state: join(dir, 'state.json'),
  };
}

/** Prefix of temporary build directories (build-<key>.<pid>) in the lab dir. */
export const BUILD_TMP_PREFIX = 'build-';
export const BUILD_LOCK = 'build.lock';
