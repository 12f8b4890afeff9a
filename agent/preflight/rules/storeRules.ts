// Why: the images must fit the store, and a pmem store must survive: the new kernel has to
// reserve the same range, or it hands the images to the page allocator at boot.
import type { Finding } from '../../../shared/domain/findings';
import type { PreflightContext } from '../context';
import { memmapReservations } from '../cmdline';
import { deviceFindings } from '../../upgrade/storeDevice';

const MiB = 1024 * 1024;
const fmt = (b: number) => `${(b / MiB).toFixed(0)} MiB`;

export function storeRules(ctx: PreflightContext): Finding[] {
  const out: Finding[] = [];
  const need = ctx.estimatedImageBytes;
  const store = ctx.store;
  if (store.kind === 'pmem') {
    if (store.deviceBytes === null) {
      const current = memmapReservations(ctx.facts.kernel.cmdline);
      out.push({
        id: 'store.pmem-missing',
        severity: 'block',
        message: `There is no ${store.device} on this host.`,
        evidence: `/sys/block has no ${store.device.slice(5)}; Persistent Memory regions in /proc/iomem: ${ctx.facts.pmem.regions.length}; memmap reservations on the command line: ${current.join(' ') || 'none'}`,
        fix: 'Reserve a region once with an ordinary reboot (for example memmap=4G!4G on the kernel command line, inside one usable RAM range), load nd_pmem, or use a directory store.',
      });
      return out;
    }
    if (need > store.deviceBytes) {
      out.push({
        id: 'store.too-small',
        severity: 'block',
        message: `The images need about ${fmt(need)}, the store ${store.device} holds ${fmt(store.deviceBytes)}.`,
        evidence: `estimate: anonymous + shmem memory of the selection + 10% + 64 MiB = ${fmt(need)}`,
        fix: 'Select fewer workloads, enlarge the reservation (memmap=SIZE!OFFSET, one reboot), or use a directory store.',
      });
    }
    for (const f of store.use ? deviceFindings(store.device, store.use) : [])
      out.push({
        ...f,
        severity: 'block',
        fix:
          f.id === 'store.device-in-use'
            ? `Unmount it (or swapoff it) and check nothing needs it, or pick another device. To format it anyway, acknowledge ${f.id}.`
            : `Back up what is on it, or pick another device. To erase it anyway, acknowledge ${f.id}.`,
      });
    const now = memmapReservations(ctx.facts.kernel.cmdline);
    const next = memmapReservations(ctx.newKernel.cmdline);
    const lost = now.filter((r) => !next.includes(r));
    if (ctx.facts.pmem.regions.some((r) => r.kind === 'legacy') && lost.length > 0) {
      out.push({
        id: 'store.reservation-not-carried',
        severity: 'block',
        message: 'The new kernel command line does not reserve the store: the images would be overwritten during boot.',
        evidence: `now: memmap=${now.join(' memmap=')}; new: ${next.length ? `memmap=${next.join(' memmap=')}` : 'none'}`,
        fix: `Keep memmap=${lost.join(' memmap=')} on the plan's command line (or leave the command line empty to inherit today's).`,
      });
    }
    return out;
  }
  if (store.freeBytes === null) {
    out.push({
      id: 'store.dir-unusable',
      severity: 'block',
      message: `The store directory ${store.path} cannot be used.`,
      evidence: store.reason ?? '',
      fix: 'Create it on a local filesystem with room for the images, or pick another path.',
    });
  } else if (need > store.freeBytes) {
    out.push({
      id: 'store.too-small',
      severity: 'block',
      message: `The images need about ${fmt(need)}, ${store.path} has ${fmt(store.freeBytes)} free.`,
      evidence: `statfs ${store.path}: ${fmt(store.freeBytes)} available to root; estimate ${fmt(need)}`,
      fix: 'Free space, select fewer workloads, or use another filesystem.',
    });
  }
  out.push({
    id: 'store.disk-speed',
    severity: 'info',
    message: 'A directory store costs a write and a read of every image byte during the blackout.',
    evidence: `about ${fmt(need)} each way`,
    fix: 'A pmem store avoids both; it needs one ordinary reboot to reserve.',
  });
  return out;
}
