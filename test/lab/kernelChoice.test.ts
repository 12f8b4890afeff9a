import { describe, it, expect } from 'vitest';
import { parseKernelAbis, parsePolicyCandidates, resolveKernels } from './kernelChoice.js';
import { LAB_KERNELS } from './imageRecipe.js';

// `apt-cache policy linux-image-6.1.0-47-amd64 linux-image-6.1.0-50-amd64` on this machine
const POLICY = `linux-image-6.1.0-47-amd64:
  Installed: (none)
  Candidate: 6.1.170-3
  Version table:
     6.1.170-3 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
linux-image-6.1.0-50-amd64:
  Installed: (none)
  Candidate: 6.1.176-1
  Version table:
     6.1.176-1 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
`;
const SEARCH = `linux-image-6.1.0-47-amd64 - Linux 6.1 for 64-bit PCs (signed)
linux-image-6.1.0-9-amd64 - Linux 6.1 for 64-bit PCs (signed)
linux-image-6.1.0-55-amd64 - Linux 6.1 for 64-bit PCs (signed)
linux-image-6.1.0-56-amd64 - Linux 6.1 for 64-bit PCs (signed)
linux-image-6.1.0-56-amd64-dbg - Linux 6.1 for 64-bit PCs (debug symbols)
`;

describe('kernel choice', () => {
  it('reads candidates, (none) as null', () => {
    const c = parsePolicyCandidates(`${POLICY}linux-image-6.1.0-1-amd64:\n  Installed: (none)\n  Candidate: (none)\n`);
    expect(c.get('linux-image-6.1.0-47-amd64')).toBe('6.1.170-3');
    expect(c.get('linux-image-6.1.0-50-amd64')).toBe('6.1.176-1');
    expect(c.get('linux-image-6.1.0-1-amd64')).toBeNull();
  });

  it('reads ABIs numerically, ignoring -dbg', () => {
    expect(parseKernelAbis(SEARCH)).toEqual([9, 47, 55, 56]);
  });

  it('keeps the wanted pair when both exist', () => {
    const r = resolveKernels(LAB_KERNELS, parsePolicyCandidates(POLICY), parseKernelAbis(SEARCH));
    expect(r).toEqual({ kernels: { ...LAB_KERNELS }, fallback: false, missing: [] });
  });

  it('falls back to the two newest when one is missing, and says which', () => {
    const policy = parsePolicyCandidates(POLICY.replace('Candidate: 6.1.176-1', 'Candidate: (none)'));
    const r = resolveKernels(LAB_KERNELS, policy, parseKernelAbis(SEARCH));
    expect(r).toEqual({
      kernels: { boot: '6.1.0-55-amd64', target: '6.1.0-56-amd64' },
      fallback: true,
      missing: ['6.1.0-50-amd64'],
    });
  });

  it('gives up when fewer than two kernels exist', () => {
    expect(resolveKernels(LAB_KERNELS, new Map(), [47])).toBeUndefined();
  });
});
