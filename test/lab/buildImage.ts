// Why: `build` as one function: resolve mirror and kernels, hash the recipe,
// reuse the cache entry when it exists, otherwise build into a temporary
// directory (so an interrupted build never leaves a half image that looks
// finished), make the disk image with `mke2fs -d` (nothing is mounted), pin the
// keys, rename into place, drop old entries.
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabError } from './errors.js';
import { run, runOk } from './run.js';
import { Progress, stdoutLog, type LogFn } from './progress.js';
import { BUILD_TOOLS, requireRoot, requireTools } from './hostTools.js';
import { BUILD_LOCK, BUILD_TMP_PREFIX, imagePaths, imagePathsIn, imagesDir, labDir } from './labPaths.js';
import { debianSourcesFor, pickMirror, readHostAptSources } from './aptSources.js';
import { cacheKey, collectRecipeFiles, recipeHash } from './recipeHash.js';
import { BASE_PACKAGES, IMAGE_HEADROOM_MIB, LAB_KERNELS, MEMLOAD_DEFAULT_SIZE, SUITE, kernelPackages } from './imageRecipe.js';
import { parseKernelAbis, parsePolicyCandidates, resolveKernels, type KernelResolution } from './kernelChoice.js';
import { acquireLock, pidAlive, removeStaleLock } from './buildLock.js';
import { currentMountsUnder, unmountAllUnder } from './mounts.js';
import { debootstrap, installKernels, trimRootfs } from './buildRootfs.js';
import { compileGuestBinaries, configureGuest } from './configureGuest.js';
import { fingerprintOf, generateEd25519, publicKeyLine } from './sshKeys.js';
import { pruneEntries, readEntry, writeManifest, type CacheEntry, type LabManifest } from './cacheEntry.js';
import { readRunState, liveQemuPid } from './runState.js';

export const LAB_SRC = dirname(fileURLToPath(import.meta.url));

export interface BuildOptions {
  log?: LogFn;
  /** Rebuild even when the cache entry exists. */
  force?: boolean;
}

export interface BuildResult extends CacheEntry {
  reused: boolean;
}

export interface RecipeResolution {
  mirror: string;
  kernels: KernelResolution;
  hash: string;
  key: string;
}

/** What the image would be built from on this machine right now. */
export async function resolveRecipe(): Promise<RecipeResolution> {
  const hostSources = readHostAptSources();
  const mirror = pickMirror(hostSources, SUITE);
  if (mirror === undefined) {
    throw new LabError('NO_MIRROR', `no APT source for Debian ${SUITE} main in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list`);
  }
  const policy = await runOk('apt-cache', ['policy', ...kernelPackages(LAB_KERNELS)]);
  const search = await runOk('apt-cache', ['search', '--names-only', '^linux-image-6\\.1\\.0-[0-9]+-amd64$']);
  const kernels = resolveKernels(LAB_KERNELS, parsePolicyCandidates(policy.stdout), parseKernelAbis(search.stdout));
  if (kernels === undefined) {
    throw new LabError(
      'KERNEL_NOT_IN_MIRROR',
      `neither ${LAB_KERNELS.boot}/${LAB_KERNELS.target} nor two other linux-image-6.1.0-N-amd64 packages are known to apt (run apt-get update?)`,
    );
  }
  const hash = recipeHash({
    files: collectRecipeFiles(LAB_SRC),
    packages: [...BASE_PACKAGES, ...kernelPackages(kernels.kernels)],
    kernels: kernels.kernels,
    mirror,
  });
  return { mirror, kernels, hash, key: cacheKey(hash, SUITE) };
}

function loudKernelWarning(r: KernelResolution): string {
  const bar = '!'.repeat(78);
  return [
    bar,
    `!! WANTED KERNELS NOT IN THE MIRROR: ${r.missing.map((k) => `linux-image-${k}`).join(', ')}`,
    `!! USING THE TWO NEWEST INSTEAD: boot ${r.kernels.boot}, target ${r.kernels.target}`,
    '!! Update LAB_KERNELS in test/lab/imageRecipe.ts and test/lab/NOTES.md.',
    bar,
  ].join('\n');
}

/** Unmount and delete temporary build dirs left by builds that are gone. */
async function removeStaleBuilds(root: string, progress: Progress): Promise<void> {
  if (!existsSync(root)) return;
  removeStaleLock(join(root, BUILD_LOCK));
  for (const name of readdirSync(root)) {
    if (!name.startsWith(BUILD_TMP_PREFIX)) continue;
    const pid = Number(name.split('.').pop());
    if (Number.isInteger(pid) && pid !== process.pid && pidAlive(pid)) continue;
    const dir = join(root, name);
    progress.note(`removing an interrupted build: ${dir}`);
    await unmountAllUnder(dir);
    await safeRemove(dir);
  }
}

/** rm -rf that refuses to run while anything is mounted below the directory. */
async function safeRemove(dir: string): Promise<void> {
  if (currentMountsUnder(dir).length > 0) throw new LabError('COMMAND_FAILED', `refusing to delete ${dir}: still has mounts`);
  await runOk('rm', ['-rf', '--one-file-system', dir]);
}

async function sizes(path: string): Promise<{ apparent: number; allocated: number }> {
  const st = statSync(path);
  return { apparent: st.size, allocated: st.blocks * 512 };
}

export async function labBuild(opts: BuildOptions = {}): Promise<BuildResult> {
  const log = opts.log ?? stdoutLog;
  const progress = new Progress(log);
  requireTools(['apt-cache']);
  const root = labDir();

  const recipe = await progress.step('resolve mirror, kernels and recipe hash', resolveRecipe);
  progress.note(
    `mirror ${recipe.mirror}; kernels ${recipe.kernels.kernels.boot} (boot) + ${recipe.kernels.kernels.target} (target); cache key ${recipe.key}`,
  );
  if (recipe.kernels.fallback) log(loudKernelWarning(recipe.kernels));

  const existing = readEntry(root, recipe.key);
  if (existing && !opts.force) {
    progress.note(`cache hit: ${existing.paths.dir} (built ${existing.manifest.createdAt})`);
    if (process.getuid?.() === 0) await removeStaleBuilds(root, progress);
    return { ...existing, reused: true };
  }

  requireTools(BUILD_TOOLS);
  requireRoot();
  mkdirSync(root, { recursive: true });
  const release = acquireLock(join(root, BUILD_LOCK));
  const tmp = join(root, `${BUILD_TMP_PREFIX}${recipe.key}.${process.pid}`);
  const onSignal = (sig: NodeJS.Signals): void => {
    log(`\n${sig}: unmounting the build chroot before exiting`);
    void unmountAllUnder(tmp).finally(() => {
      release();
      process.exit(130);
    });
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await removeStaleBuilds(root, progress);
    const out = imagePathsIn(tmp);
    const rootfs = join(tmp, 'rootfs');
    const logFile = join(tmp, 'build.log');
    mkdirSync(tmp, { recursive: true });
    progress.note(`building in ${tmp} (full log: ${logFile})`);
    const kernels = recipe.kernels.kernels;
    const hostSources = debianSourcesFor(readHostAptSources(), SUITE);

    try {
      await progress.step('compile guest binaries (gcc -O2 -static)', () => compileGuestBinaries(LAB_SRC, out.bin, logFile));
      await progress.step(`debootstrap --variant=minbase ${SUITE} (+${BASE_PACKAGES.length} packages)`, () =>
        debootstrap(rootfs, recipe.mirror, logFile),
      );
      await progress.step(`install kernels ${kernels.boot} + ${kernels.target}`, () =>
        installKernels(rootfs, kernels, hostSources, logFile),
      );
      await progress.step('lab client SSH key (ed25519)', () => generateEd25519(out.clientKey, 'seamless-lab-client'));
      await progress.step('configure guest (units, workloads, ssh, network)', () =>
        configureGuest(rootfs, LAB_SRC, out.bin, { clientPub: readFileSync(out.clientPub, 'utf8') }, logFile),
      );
      await unmountAllUnder(rootfs); // nothing may stay mounted inside what mke2fs copies
      copyFileSync(join(rootfs, 'etc/ssh/ssh_host_ed25519_key.pub'), out.hostKeyPub);
      const initrdBytes: Record<string, number> = {};
      for (const k of [kernels.boot, kernels.target]) {
        copyFileSync(join(rootfs, 'boot', `vmlinuz-${k}`), out.kernel(k));
        copyFileSync(join(rootfs, 'boot', `initrd.img-${k}`), out.initrd(k));
        initrdBytes[k] = statSync(out.initrd(k)).size;
      }
      trimRootfs(rootfs);

      const du = await runOk('du', ['-sb', '--one-file-system', rootfs]);
      const rootfsBytes = Number(du.stdout.split(/\s/)[0]);
      const sizeMiB = Math.ceil((rootfsBytes * 1.15) / 2 ** 20 / 64) * 64 + IMAGE_HEADROOM_MIB;
      await progress.step(`mke2fs -t ext4 -d rootfs image.raw ${sizeMiB}M`, () =>
        runOk('mke2fs', ['-q', '-F', '-t', 'ext4', '-L', 'seamless-root', '-d', rootfs, out.image, `${sizeMiB}M`], { logFile }),
      );
      const img = await sizes(out.image);
      progress.note(
        `image: ${(img.apparent / 1e9).toFixed(2)} GB apparent, ${(img.allocated / 1e9).toFixed(2)} GB allocated; initrd ${Object.entries(
          initrdBytes,
        )
          .map(([k, b]) => `${k} ${(b / 2 ** 20).toFixed(1)} MiB`)
          .join(', ')}`,
      );
      await progress.step('remove the build root', () => safeRemove(rootfs));

      const manifest: LabManifest = {
        version: 1,
        key: recipe.key,
        recipeHash: recipe.hash,
        createdAt: new Date().toISOString(),
        suite: SUITE,
        mirror: recipe.mirror,
        kernels,
        kernelFallback: recipe.kernels.fallback,
        hostKey: publicKeyLine(out.hostKeyPub),
        hostKeyFingerprint: await fingerprintOf(out.hostKeyPub),
        image: { sizeMiB, apparentBytes: img.apparent, allocatedBytes: img.allocated, rootfsBytes },
        initrdBytes,
        memloadDefaultSize: MEMLOAD_DEFAULT_SIZE,
        durations: { ...progress.durations, total: Math.round(progress.elapsed() * 10) / 10 },
      };
      writeManifest(out.manifest, manifest);

      const final = imagePaths(root, recipe.key);
      mkdirSync(imagesDir(root), { recursive: true });
      if (existsSync(final.dir)) await safeRemove(final.dir); // --force rebuild
      renameSync(tmp, final.dir);
      progress.note(`host key ${manifest.hostKeyFingerprint}`);

      // old entries go, except one a running VM still boots from
      const running = liveQemuPid(root) !== undefined ? readRunState(root)?.imageKey : undefined;
      const keep = new Set([recipe.key, ...(running ? [running] : [])]);
      const removed = pruneEntries(root, keep);
      if (removed.length > 0) progress.note(`removed old cache entries: ${removed.join(', ')}`);
      progress.note(`build finished in ${progress.elapsed().toFixed(1)}s: ${final.dir}`);
      const entry = readEntry(root, recipe.key);
      if (!entry) throw new LabError('COMMAND_FAILED', `the new cache entry ${final.dir} is unreadable`);
      return { ...entry, reused: false };
    } catch (err) {
      await unmountAllUnder(tmp).catch(() => undefined);
      const logTail = existsSync(logFile) ? (await run('tail', ['-n', '40', logFile])).stdout : '';
      if (logTail) log(`--- last lines of ${logFile} ---\n${logTail}`);
      log(`the failed build is kept in ${tmp} for inspection; the next build removes it`);
      throw err;
    }
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    release();
  }
}
