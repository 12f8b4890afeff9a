// Why: turns a plain Debian root filesystem into the lab guest: small initrd,
// pmem modules, networking, pinned SSH keys, the workloads and their units,
// masked noise. Everything is written as files on the host side (or with
// offline `systemctl` in the chroot), nothing is run in a booted guest. Part of
// the recipe hash.
import { appendFileSync, chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { runOk } from './run.js';
import { chrootRun, withChroot } from './chroot.js';
import {
  DISABLED_UNITS,
  ENABLED_UNITS,
  GUEST_BINARIES,
  HOSTNAME,
  INITRAMFS_MODULES,
  MASKED_UNITS,
  PMEM_MODULES,
  REDIS_CONF_OVERRIDES,
} from './imageRecipe.js';

function write(rootfs: string, path: string, text: string, mode = 0o644): void {
  const p = join(rootfs, path);
  mkdirSync(dirname(p), { recursive: true });
  writeFileSync(p, text, { mode });
  chmodSync(p, mode);
}

/** Before the kernels are installed: their postinst builds the initrd from this. */
export function prepareForKernels(rootfs: string): void {
  const conf = join(rootfs, 'etc/initramfs-tools/initramfs.conf');
  const text = readFileSync(conf, 'utf8');
  if (!/^MODULES=/m.test(text)) throw new Error(`${conf} has no MODULES= line`);
  writeFileSync(conf, text.replace(/^MODULES=.*$/m, 'MODULES=list'));
  write(
    rootfs,
    'etc/initramfs-tools/modules',
    `# Seamless lab: MODULES=list, just enough to mount /dev/vda (ext4 metadata_csum needs crc32c)\n${INITRAMFS_MODULES.join('\n')}\n`,
  );
  // Debian's kexec-tools would load its default kernel at shutdown (kexec-load)
  const kexecDefault = join(rootfs, 'etc/default/kexec');
  const kexec = existsSync(kexecDefault) ? readFileSync(kexecDefault, 'utf8') : '';
  writeFileSync(
    kexecDefault,
    /^LOAD_KEXEC=/m.test(kexec) ? kexec.replace(/^LOAD_KEXEC=.*$/m, 'LOAD_KEXEC=false') : `${kexec}LOAD_KEXEC=false\n`,
  );
  // the chroot's apt needs the build host's resolver
  rmSync(join(rootfs, 'etc/resolv.conf'), { force: true });
  copyFileSync('/etc/resolv.conf', join(rootfs, 'etc/resolv.conf'));
}

export async function compileGuestBinaries(labSrc: string, outDir: string, logFile: string): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  for (const b of GUEST_BINARIES) {
    const out = join(outDir, b.dest.split('/').pop()!);
    await runOk('gcc', ['-O2', '-static', '-Wall', '-Wextra', '-o', out, join(labSrc, 'guest/src', b.source)], {
      logFile,
    });
  }
}

export interface GuestKeys {
  /** The lab's client public key (authorized for root). */
  clientPub: string;
}

export async function configureGuest(rootfs: string, labSrc: string, binDir: string, keys: GuestKeys, logFile: string): Promise<void> {
  // the files that are the same in every lab image
  cpSync(join(labSrc, 'guest/rootfs'), rootfs, { recursive: true, force: true });
  for (const b of GUEST_BINARIES) {
    const dest = join(rootfs, b.dest);
    mkdirSync(dirname(dest), { recursive: true });
    copyFileSync(join(binDir, b.dest.split('/').pop()!), dest);
    chmodSync(dest, 0o755);
  }
  write(rootfs, 'etc/hostname', `${HOSTNAME}\n`);
  write(rootfs, 'etc/hosts', `127.0.0.1\tlocalhost\n127.0.1.1\t${HOSTNAME}\n::1\tlocalhost ip6-localhost ip6-loopback\n`);
  write(rootfs, 'etc/modules-load.d/pmem.conf', `# memmap= region -> /dev/pmem0 (not in the small initrd)\n${PMEM_MODULES.join('\n')}\n`);
  // a fixed machine-id: no "first boot" (systemd-firstboot would prompt on the console)
  write(rootfs, 'etc/machine-id', `${randomBytes(16).toString('hex')}\n`, 0o444);
  appendFileSync(join(rootfs, 'etc/redis/redis.conf'), REDIS_CONF_OVERRIDES);

  // SSH: root with the lab key only; the host key is made here and pinned by the host
  for (const t of ['rsa', 'ecdsa', 'ed25519', 'dsa']) {
    rmSync(join(rootfs, `etc/ssh/ssh_host_${t}_key`), { force: true });
    rmSync(join(rootfs, `etc/ssh/ssh_host_${t}_key.pub`), { force: true });
  }
  await runOk('ssh-keygen', [
    '-q',
    '-t',
    'ed25519',
    '-N',
    '',
    '-C',
    `root@${HOSTNAME}`,
    '-f',
    join(rootfs, 'etc/ssh/ssh_host_ed25519_key'),
  ]);
  mkdirSync(join(rootfs, 'root/.ssh'), { recursive: true, mode: 0o700 });
  chmodSync(join(rootfs, 'root/.ssh'), 0o700);
  write(rootfs, 'root/.ssh/authorized_keys', keys.clientPub, 0o600);

  await withChroot(rootfs, async () => {
    await chrootRun(rootfs, ['systemctl', 'enable', ...ENABLED_UNITS], logFile);
    await chrootRun(rootfs, ['systemctl', 'mask', ...MASKED_UNITS], logFile);
    await chrootRun(rootfs, ['systemctl', 'disable', ...DISABLED_UNITS], logFile);
    await chrootRun(rootfs, ['systemctl', 'set-default', 'multi-user.target'], logFile);
  });
}
