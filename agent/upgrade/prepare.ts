// Why: phase "prepare": the image store made and mounted (ext4 on the pmem device, DAX where
// the kernel allows it), the journal mirrored into it, the plan copied beside the images, the
// boot hook installed and enabled, the state written.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { must } from '../exec/sh';
import type { Journal } from './journal';
import { HOOK_UNIT, HOOK_UNIT_PATH, STORE_MOUNT, planPath } from './paths';
import { saveState, statePaths, type RunState } from './state';
import { ensurePmemDevice, makeStoreFs, mountStore, unmountStore } from './store';
import { bootHookUnit } from './units';
import { guardStoreDevice } from './storeDevice';
import type { Plan } from '../../shared/plan/plan';

export async function prepare(state: RunState, plan: Plan, journal: Journal): Promise<void> {
  await journal.phase(
    'prepare',
    'make and mount the image store, install the boot hook',
    async () => {
      let note: string | null = null;
      if (state.store.kind === 'pmem') {
        await ensurePmemDevice(state.store.device);
        await unmountStore(STORE_MOUNT);
        await guardStoreDevice(state.store.device, STORE_MOUNT, plan.options.acknowledge);
        await makeStoreFs(state.store.device);
        const m = await mountStore(state.store.device, STORE_MOUNT);
        state.store.dax = m.dax;
        note = m.note;
        if (!m.dax)
          journal.write({
            phase: 'prepare',
            state: 'info',
            message: `the store is mounted WITHOUT DAX: ${m.note ?? ''}`,
            data: { step: 'no-dax' },
          });
      }
      mkdirSync(state.storeDir, { recursive: true });
      journal.mirrorTo(join(state.storeDir, 'journal.jsonl'));
      copyFileSync(planPath(state.id), join(state.storeDir, 'plan.json'));
      writeFileSync(HOOK_UNIT_PATH, bootHookUnit(state.node, state.agent, state.heldUnits, { pmem: state.store.kind === 'pmem' }));
      // Enabled for the next boot only (its wants link); the running systemd needs nothing from
      // it, so no reload: each re-reads every unit (3.5 s on the lab, and work on a busy host).
      await must('UPGRADE_START_FAILED', 'enabling the boot hook', 'systemctl', ['--no-reload', 'enable', HOOK_UNIT]);
      saveState(statePaths(state), state);
      return note;
    },
    (note, durationMs) => ({
      phase: 'prepare',
      state: 'done',
      message: 'image store mounted, boot hook installed',
      durationMs,
      data: { store: state.store, storeDir: state.storeDir, hook: HOOK_UNIT_PATH, note },
    }),
  );
}
