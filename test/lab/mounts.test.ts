import { describe, it, expect } from 'vitest';
import { mountsUnder, parseMountPoints } from './mounts.js';

const MOUNTINFO = `22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw
23 22 0:5 / /dev rw,nosuid shared:2 - devtmpfs udev rw
90 22 0:22 / /var/cache/seamless-lab/build-k.1/rootfs/proc rw - proc proc rw
91 22 0:21 / /var/cache/seamless-lab/build-k.1/rootfs/sys rw - sysfs sysfs rw
92 22 0:5 / /var/cache/seamless-lab/build-k.1/rootfs/dev rw - devtmpfs udev rw
93 92 0:24 / /var/cache/seamless-lab/build-k.1/rootfs/dev/pts rw - devpts devpts rw
94 22 0:40 / /tmp/with\\040space/x rw - tmpfs tmpfs rw
95 22 0:41 / /var/cache/seamless-lab/build-k.10/rootfs/proc rw - proc proc rw
`;

describe('mounts', () => {
  it('decodes octal escapes in mount points', () => {
    expect(parseMountPoints(MOUNTINFO)).toContain('/tmp/with space/x');
  });

  it('lists only mounts below the directory, deepest first', () => {
    const m = mountsUnder(parseMountPoints(MOUNTINFO), '/var/cache/seamless-lab/build-k.1');
    expect(m[0]).toBe('/var/cache/seamless-lab/build-k.1/rootfs/dev/pts');
    expect(m).toHaveLength(4);
    expect(m).not.toContain('/var/cache/seamless-lab/build-k.10/rootfs/proc'); // a prefix is not a parent
    expect(m.indexOf('/var/cache/seamless-lab/build-k.1/rootfs/dev')).toBeGreaterThan(0);
  });

  it('never matches the host root or /dev', () => {
    const m = mountsUnder(parseMountPoints(MOUNTINFO), '/var/cache/seamless-lab');
    expect(m).not.toContain('/');
    expect(m).not.toContain('/dev');
  });
});
