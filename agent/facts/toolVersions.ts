// Why: which CRIU, kexec-tools and systemd a host has decides what an upgrade can do there;
// each tool prints its version its own way.

export function parseCriuVersion(out: string): string | null {
  return /Version:\s*([\d.]+)/.exec(out)?.[1] ?? null;
}

export function parseKexecVersion(out: string): string | null {
  return /kexec-tools\s+([\d.]+)/.exec(out)?.[1] ?? null;
}

export function parseSystemdVersion(out: string): number | null {
  const m = /^systemd (\d+)/m.exec(out);
  return m ? Number(m[1]) : null;
}

/** `criu check` ends with "Looks good." (possibly "Looks good but …") when the kernel is usable. */
export function criuCheckPassed(code: number, output: string): boolean {
  return code === 0 && /Looks good/.test(output);
}

/** /sys/kernel/security/lockdown reads like "none [integrity] confidentiality". */
export function parseLockdown(text: string): 'none' | 'integrity' | 'confidentiality' | null {
  const m = /\[(none|integrity|confidentiality)\]/.exec(text);
  return m ? (m[1] as 'none' | 'integrity' | 'confidentiality') : null;
}
