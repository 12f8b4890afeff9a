// Why: the kernel packages' maintainer scripts (depmod, update-initramfs) and
// systemctl need a working /proc, /sys and /dev inside the build root. This
// mounts them for the duration of one callback and always unmounts them, with a
// policy-rc.d that stops any package from starting a service on the build host.
import { mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runOk, type RunResult } from './run.js';
import { unmountAllUnder } from './mounts.js';

export const CHROOT_ENV: NodeJS.ProcessEnv = {
  DEBIAN_FRONTEND: 'noninteractive',
  DEBCONF_NONINTERACTIVE_SEEN: 'true',
  LC_ALL: 'C.UTF-8',
  LANG: 'C.UTF-8',
  HOME: '/root',
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
};

const POLICY_RC_D = 'usr/sbin/policy-rc.d';

export async function withChroot<T>(root: string, fn: () => Promise<T>): Promise<T> {
  writeFileSync(join(root, POLICY_RC_D), '#!/bin/sh\n# seamless lab build: never start services\nexit 101\n', {
    mode: 0o755,
  });
  try {
    for (const d of ['proc', 'sys', 'dev', 'dev/pts']) mkdirSync(join(root, d), { recursive: true });
    await runOk('mount', ['-t', 'proc', 'proc', join(root, 'proc')]);
    await runOk('mount', ['-t', 'sysfs', 'sysfs', join(root, 'sys')]);
    await runOk('mount', ['--bind', '/dev', join(root, 'dev')]);
    await runOk('mount', ['--bind', '/dev/pts', join(root, 'dev/pts')]);
    return await fn();
  } finally {
    await unmountAllUnder(root);
    rmSync(join(root, POLICY_RC_D), { force: true });
  }
}

export function chrootRun(root: string, args: readonly string[], logFile?: string): Promise<RunResult> {
  return runOk('chroot', [root, ...args], logFile === undefined ? { env: CHROOT_ENV } : { env: CHROOT_ENV, logFile });
}
