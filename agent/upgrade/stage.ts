// Why: phase "stage": `kexec -l` (or `-s` under lockdown/Secure Boot) the new kernel with
// today's command line plus `seamless.restore=<id>`, its placement checked against the store
// (stageKernel.ts), and the way back (this kernel, this command line) noted for policy kexec-back.
import { existsSync } from 'node:fs';
import type { Plan } from '../../shared/plan/plan';
import { kexecRestrictions } from '../facts/hostFacts';
import { readText } from '../fs/readOptional';
import { newKernelCmdline } from '../preflight/cmdline';
import type { Journal } from './journal';
import { stageKernel } from './stageKernel';
import type { RunState } from './state';

/** Stages the new kernel; resolves once it is loaded (the caller unloads it on an abort). */
export async function stage(state: RunState, plan: Plan, journal: Journal): Promise<void> {
  // Only what decides -l or -s: all the host's facts (criu check and more) took 8 s on the lab here.
  const k = kexecRestrictions();
  const lockdown = (k.lockdown !== null && k.lockdown !== 'none') || k.secureBoot === 'enabled';
  await journal.phase(
    'stage',
    `kexec ${lockdown ? '-s' : '-l'} ${plan.kernel.image}`,
    async () => {
      const r = await stageKernel(
        {
          image: plan.kernel.image,
          initrd: plan.kernel.initrd,
          cmdline: newKernelCmdline(readText('/proc/cmdline').trim(), plan.kernel.cmdline, state.id),
        },
        plan.store.kind,
        journal,
        lockdown,
      );
      // Where a failed restore goes back to (policy kexec-back): this kernel, this command line.
      const image = `/boot/vmlinuz-${state.kernelBefore}`;
      const initrd = `/boot/initrd.img-${state.kernelBefore}`;
      state.back = existsSync(image)
        ? {
            image,
            initrd: existsSync(initrd) ? initrd : null,
            cmdline: newKernelCmdline(readText('/proc/cmdline').trim(), null, state.id),
            lockdown,
          }
        : null;
      return { ...r, back: state.back ? state.back.image : `none: ${image} does not exist` };
    },
    (data, durationMs) => ({ phase: 'stage', state: 'done', message: `kernel staged (${data.syscall})`, durationMs, data }),
  );
}
