// Why: the new kernel is chosen from what is installed in /boot: image, initrd and config
// belong together by version (Debian/Ubuntu "vmlinuz-V", "initrd.img-V", "config-V"; Fedora/
// Arch "initramfs-V.img"). Pure over a directory listing.

export interface BootKernel {
  version: string;
  image: string;
  initrd: string | null;
  config: string | null;
}

export function pairBootFiles(dir: string, names: string[]): BootKernel[] {
  const set = new Set(names);
  const out: BootKernel[] = [];
  for (const name of names) {
    const m = /^vmlinuz-(.+)$/.exec(name);
    if (!m) continue;
    const v = m[1]!;
    const initrd = [`initrd.img-${v}`, `initramfs-${v}.img`, `initrd-${v}`].find((n) => set.has(n));
    out.push({
      version: v,
      image: `${dir}/${name}`,
      initrd: initrd ? `${dir}/${initrd}` : null,
      config: set.has(`config-${v}`) ? `${dir}/config-${v}` : null,
    });
  }
  return out.sort((a, b) => a.version.localeCompare(b.version, undefined, { numeric: true }));
}
