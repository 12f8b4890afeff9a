import { describe, expect, it } from 'vitest';
import { formatFacts } from '../../../electron/cli/factsFormat';
import { sampleFacts } from '../../helpers/sampleFacts';

describe('formatFacts', () => {
  it('prints the lines an admin checks first', () => {
    const text = formatFacts(
      'this machine',
      sampleFacts({
        hostname: 'db1',
        kernel: { release: '6.1.0-47-amd64', version: '#1 SMP', cmdline: 'root=/dev/vda ro' },
        cpuModel: 'AMD EPYC',
        memory: { totalBytes: 3 * 1024 ** 3, availableBytes: 1024 ** 3, dirtyBytes: 0, writebackBytes: 0 },
      }),
    );
    expect(text.split('\n')).toEqual([
      'host     db1 (this machine)',
      'kernel   6.1.0-47-amd64',
      'cpus     2 × AMD EPYC',
      'memory   3.0 GiB total, 1.0 GiB available',
      'cmdline  root=/dev/vda ro',
    ]);
  });
});
