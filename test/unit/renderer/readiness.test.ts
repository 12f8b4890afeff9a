// Can this host be upgraded at all, and what exactly to change: from its facts.
import { describe, expect, it } from 'vitest';
import { readiness } from '../../../renderer/features/hosts/readiness';
import { sampleFacts } from '../../helpers/sampleFacts';

describe('host readiness', () => {
  it('says what is missing, with the fix (the memmap line and its one reboot)', () => {
    const f = sampleFacts();
    const bare = readiness({
      ...f,
      criu: { ...f.criu, version: null },
      kexec: { ...f.kexec, version: null },
      bootKernels: f.bootKernels.filter((k) => k.running),
      pmem: { ...f.pmem, devices: [] },
    });
    expect(bare.map((r) => [r.id, r.ok])).toEqual([
      ['criu', false],
      ['kexec', false],
      ['kernel', false],
      ['store', false],
    ]);
    expect(bare.find((r) => r.id === 'store')!.fix).toMatch(
      /^Add memmap=\dG!4G to the kernel command line .* reboot once the ordinary way/,
    );
  });

  it('is all green on a ready host', () => {
    const f = sampleFacts();
    expect(
      readiness(f)
        .filter((r) => !r.ok)
        .map((r) => r.id),
    ).toEqual(f.criu.checkPassed === false ? ['criu'] : []);
  });
});
