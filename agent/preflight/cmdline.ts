// Why: the new kernel boots with today's command line minus any earlier seamless.restore, plus
// the store's reservation and this upgrade's seamless.restore=<id>. A memmap= reservation that
// the new kernel does not repeat would hand the image store to the page allocator.

export function memmapReservations(cmdline: string): string[] {
  return cmdline
    .split(/\s+/)
    .filter((a) => a.startsWith('memmap=') && a.includes('!'))
    .map((a) => a.slice('memmap='.length));
}

export function stripRestoreArgs(cmdline: string): string {
  return cmdline
    .split(/\s+/)
    .filter((a) => a !== '' && !a.startsWith('seamless.restore='))
    .join(' ');
}

export function newKernelCmdline(current: string, planCmdline: string | null, upgradeId?: string): string {
  const base = stripRestoreArgs(planCmdline ?? current);
  return upgradeId ? `${base} seamless.restore=${upgradeId}` : base;
}
