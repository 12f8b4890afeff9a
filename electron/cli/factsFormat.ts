// Why: what `seamless facts` prints for a human: the few lines an admin checks before touching
// a server. Pure, so the wording is tested without a host.
import type { HostFacts } from '../../shared/domain/hostFacts';
import { formatBytes } from '../../shared/format';

export function formatFacts(label: string, f: HostFacts): string {
  const rows: [string, string][] = [
    ['host', `${f.hostname} (${label})`],
    ['kernel', f.kernel.release],
    ['cpus', `${f.cpus}${f.cpuModel ? ` × ${f.cpuModel}` : ''}`],
    [
      'memory',
      `${formatBytes(f.memory.totalBytes)} total${f.memory.availableBytes !== null ? `, ${formatBytes(f.memory.availableBytes)} available` : ''}`,
    ],
    ['cmdline', f.kernel.cmdline],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
}
