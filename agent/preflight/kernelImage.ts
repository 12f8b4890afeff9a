// Why: "a kernel image that is not one" must be refused before anything is touched. x86 bzImage
// carries "HdrS" at 0x202 (Documentation/arch/x86/boot.rst); arm64 Image carries "ARMd" at 0x38
// (Documentation/arch/arm64/booting.rst); EFI-stub kernels also start with "MZ". Pure over the
// first 4 KiB. The release string sits in the bzImage header too (kernel_version at 0x20e).

export type ImageCheck = { ok: true; format: 'bzImage' | 'arm64-Image'; release: string | null } | { ok: false; reason: string };

export function checkKernelImage(head: Uint8Array): ImageCheck {
  const ascii = (off: number, len: number) => String.fromCharCode(...head.subarray(off, off + len));
  if (head.length >= 0x210 && ascii(0x202, 4) === 'HdrS') {
    // kernel_version: a pointer (minus 0x200) to a NUL-terminated string, when the header has it.
    const ptr = (head[0x20e] ?? 0) | ((head[0x20f] ?? 0) << 8);
    let release: string | null = null;
    if (ptr > 0 && ptr + 0x200 < head.length) {
      const start = ptr + 0x200;
      let end = start;
      while (end < head.length && head[end] !== 0 && end - start < 256) end++;
      release = ascii(start, end - start).split(' ')[0] || null;
    }
    return { ok: true, format: 'bzImage', release };
  }
  if (head.length >= 0x3c && ascii(0x38, 4) === 'ARMd') return { ok: true, format: 'arm64-Image', release: null };
  if (head.length < 0x210) return { ok: false, reason: `the file is only ${head.length} bytes long` };
  return { ok: false, reason: 'no Linux boot header (no "HdrS" at 0x202, no "ARMd" at 0x38)' };
}

/** Parses a kernel .config into NAME → value ("y", "m", a string); "# X is not set" lines are absent. */
export function parseKernelConfig(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^(CONFIG_\w+)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}
