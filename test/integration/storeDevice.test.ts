// The store's mkfs guard with the real blkid on real filesystems (image files stand in for the
// device): an earlier Seamless store or a blank device is formatted; someone else's filesystem,
// a mounted device or swap is refused unless the plan accepts exactly that.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deviceFindings, guardStoreDevice, mountsOf, parseBlkid } from '../../agent/upgrade/storeDevice';

const dir = mkdtempSync(join(tmpdir(), 'seamless-storedev-'));
function image(name: string, make?: (path: string) => void): string {
  const p = join(dir, name);
  writeFileSync(p, Buffer.alloc(8 * 1024 * 1024));
  make?.(p);
  return p;
}
const mkfs = (label: string) => (p: string) => execFileSync('mkfs.ext4', ['-F', '-q', '-L', label, p]);

describe('the store device guard', () => {
  it('formats a blank device or an earlier Seamless store', async () => {
    await expect(guardStoreDevice(image('blank.img'), '/var/lib/seamless/store', [])).resolves.toBeUndefined();
    await expect(guardStoreDevice(image('ours.img', mkfs('seamless-store')), '/var/lib/seamless/store', [])).resolves.toBeUndefined();
  });

  it('refuses someone else’s filesystem, with blkid’s words, unless the plan accepts store.foreign-filesystem', async () => {
    const theirs = image('theirs.img', mkfs('data'));
    const err = await guardStoreDevice(theirs, '/var/lib/seamless/store', []).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'STORE_PREPARE_FAILED',
      message: expect.stringContaining('holds a ext4 filesystem labelled data that is not a Seamless store'),
      evidence: expect.stringContaining('TYPE=ext4 LABEL=data'),
    });
    await expect(guardStoreDevice(theirs, '/var/lib/seamless/store', ['store.foreign-filesystem'])).resolves.toBeUndefined();
    const swap = image('swap.img', (p) => execFileSync('mkswap', ['-q', p]));
    await expect(guardStoreDevice(swap, '/var/lib/seamless/store', [])).rejects.toMatchObject({ message: expect.stringContaining('swap') });
  });

  it('knows a mounted device, by name or through a link, but not as our own store', () => {
    const mounts = '/dev/pmem0 /srv/data ext4 rw 0 0\n/dev/pmem0 /var/lib/seamless/store ext4 rw,dax 0 0\nproc /proc proc rw 0 0\n';
    expect(mountsOf('/dev/pmem0', mounts, '/var/lib/seamless/store')).toEqual(['/srv/data']);
    expect(mountsOf('/dev/pmem1', mounts, '/var/lib/seamless/store')).toEqual([]);
    expect(deviceFindings('/dev/pmem0', { mounts: ['/srv/data'], swap: false, signature: null })).toEqual([
      expect.objectContaining({ id: 'store.device-in-use', message: expect.stringContaining('mounted at /srv/data') }),
    ]);
    expect(parseBlkid('DEVNAME=/dev/pmem0\nUUID=1\nTYPE=xfs\nLABEL=data\n')).toEqual({ type: 'xfs', label: 'data' });
    expect(parseBlkid('')).toBeNull();
  });
});
