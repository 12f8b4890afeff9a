// Test data: a valid lab plan (6.1.0-50 from /boot, the pmem store), defaults filled in.
import { planSchema, type Plan, type PlanInput } from '../../shared/plan/plan';

export function samplePlan(workloads: string[] = ['pid:852'], over: Partial<PlanInput> = {}): Plan {
  return planSchema.parse({
    version: 1,
    host: 'lab',
    createdAt: '2026-12-03T07:36:00Z',
    workloads,
    kernel: { release: '6.1.0-50-amd64', image: '/boot/vmlinuz-6.1.0-50-amd64', initrd: null, cmdline: null },
    store: { kind: 'pmem', device: '/dev/pmem0' },
    ...over,
  });
}
