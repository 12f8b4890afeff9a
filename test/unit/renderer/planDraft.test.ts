// A plan file opened in the app becomes the same choices again (what `seamless plan` wrote, or
// the app saved), and checking it builds the same plan.
import { describe, expect, it } from 'vitest';
import { emptyDraft, fromPlan, toPlanDraft } from '../../../renderer/store/planDraft';
import { samplePlan } from '../../helpers/samplePlan';

describe('plan files in the draft', () => {
  it('takes every choice from the plan and bumps the revision', () => {
    const plan = samplePlan(['pid:852', 'unit:redis-server.service'], {
      store: { kind: 'dir', path: '/var/lib/seamless/images' },
      options: { kexecMode: 'systemctl', acknowledge: ['workload.perf-event'] },
    });
    const d = fromPlan(emptyDraft(), plan);
    expect(d.rev).toBe(1);
    expect(toPlanDraft(d)).toEqual({
      selectors: ['pid:852', 'unit:redis-server.service'],
      kernel: '/boot/vmlinuz-6.1.0-50-amd64',
      store: '/var/lib/seamless/images',
      options: {
        kexecMode: 'systemctl',
        preDump: true,
        onRestoreFailure: 'cold-start',
        onDumpFailure: 'abort',
        acknowledge: ['workload.perf-event'],
        keepImages: false,
        rewarm: true,
        restoreMode: 'eager',
      },
    });
    expect(toPlanDraft(fromPlan(emptyDraft(), samplePlan())).store).toBe('/dev/pmem0');
  });
});
