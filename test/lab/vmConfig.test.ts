import { describe, it, expect } from 'vitest';
import { GP3_BASELINE, guestCmdline, qemuArgs, VM } from './vmConfig.js';

describe('guestCmdline', () => {
  it('boots /dev/vda with the serial console and the pmem reservation', () => {
    expect(guestCmdline()).toBe('root=/dev/vda rw console=ttyS0 memmap=1536M!1G tsc=reliable');
  });

  it('takes another reservation and extra words', () => {
    expect(guestCmdline({ pmem: { size: '512M', offset: '1G' }, extra: ['seamless.restore=abc'] })).toBe(
      'root=/dev/vda rw console=ttyS0 memmap=512M!1G tsc=reliable seamless.restore=abc',
    );
  });

  it('keeps the default reservation 128 MiB aligned and inside RAM below the PCI hole', () => {
    const mib = (s: string): number => (s.endsWith('G') ? Number(s.slice(0, -1)) * 1024 : Number(s.replace('M', '')));
    const end = mib(VM.pmem.offset) + mib(VM.pmem.size);
    expect(mib(VM.pmem.offset) % 128).toBe(0);
    expect(mib(VM.pmem.size) % 128).toBe(0);
    // below QEMU's 3 GiB low-memory limit, with room for the BIOS's reserved tail
    expect(end).toBeLessThan(Math.min(VM.memoryMiB, 3072));
  });
});

describe('qemuArgs', () => {
  const input = {
    kernel: '/c/vmlinuz',
    initrd: '/c/initrd',
    cmdline: 'root=/dev/vda rw',
    overlay: '/r/overlay.qcow2',
    port: 40022,
    serialLog: '/r/serial.log',
    pidfile: '/r/qemu.pid',
  };
  const args = qemuArgs(input);
  const after = (flag: string): string | undefined => args[args.indexOf(flag) + 1];

  it('uses TCG, never KVM, on the max CPU without LA57 and without ERMS/FSRM (TCG copies byte by byte), and boots through qboot', () => {
    expect(after('-accel')).toBe('tcg,tb-size=512');
    expect(args.join(' ')).not.toMatch(/kvm/);
    expect(after('-cpu')).toBe('max,la57=off,erms=off,fsrm=off');
    expect(after('-bios')).toBe('/usr/share/qemu/qboot.rom');
    expect(after('-device')).toBe('virtio-net-pci,netdev=net0,romfile=');
  });

  it('has 2 vCPUs and 4 GiB', () => {
    expect(after('-smp')).toBe('2');
    expect(after('-m')).toBe('4096M');
  });

  it('boots the kernel directly from the overlay, forwards SSH on 127.0.0.1 only', () => {
    expect(after('-kernel')).toBe('/c/vmlinuz');
    expect(after('-initrd')).toBe('/c/initrd');
    expect(after('-append')).toBe('root=/dev/vda rw');
    expect(after('-drive')).toMatch(/^file=\/r\/overlay\.qcow2,format=qcow2,if=virtio/);
    expect(after('-netdev')).toBe('user,id=net0,hostfwd=tcp:127.0.0.1:40022-:22');
  });

  it('throttles the root disk only when asked (benchmarks), as QEMU spells it', () => {
    expect(after('-drive')).not.toMatch(/throttling/);
    const t = qemuArgs({ ...input, diskThrottle: GP3_BASELINE });
    expect(t[t.indexOf('-drive') + 1]).toMatch(/,throttling\.bps-total=131072000,throttling\.iops-total=3000$/);
  });

  it('logs the serial console and daemonizes with a pidfile', () => {
    expect(after('-serial')).toBe('file:/r/serial.log');
    expect(args).toContain('-daemonize');
    expect(after('-pidfile')).toBe('/r/qemu.pid');
  });
});
