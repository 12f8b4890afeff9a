// Why: the run (`--run-upgrade`) can itself be killed: OOM, an admin's kill, a crash. Its unit
// runs this (`--recover <id>`) after it stops (ExecStopPost). When the journal has not ended and
// no jump began, the upgrade is undone like any abort before the jump: the workloads a finished
// dump left stopped are continued, the ones already killed (TCP carriers, or all after the
// commit) come back in place from their images, the staged kernel, the holds and the boot hook
// go, and the journal says the run was killed. A CRIU still running is waited for, never killed:
// a task with CRIU's parasite in it dies with a killed CRIU (seen on the lab); a dump that ends
// has either left its tasks stopped, killed them, or resumed them (a failed dump). A jump that
// began (systemctl kexec stops this unit on its way down) is left to the boot hook.
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { criuSucceeded } from './criuLog';
import { buildManifest, manifestSkip, mergeManifests, prefixed, writeManifest } from './manifest';
import { chooseDigest } from './imageDigest';
import { SeamlessError } from '../../shared/errors';
import { parsePlan } from '../../shared/plan/plan';
import { sh, sleep } from '../exec/sh';
import { readText } from '../fs/readOptional';
import { abortBeforeJump } from './fallback';
import { isStopped, thawable } from './dumpedTasks';
import { Journal } from './journal';
import { planPath, statePath, storeDir } from './paths';
import { finish } from './report';
import { initialState } from './select';
import { loadState, type RunState } from './state';

const alive = (pid: number) => existsSync(`/proc/${pid}`);
/** As long as a dump may take (the run's own bound on a criu call). */
const CRIU_WAIT_MS = 30 * 60_000;

export async function recoverRun(id: string): Promise<number> {
  const journal = new Journal(id);
  const records = journal.records();
  if (records.some((r) => r.phase === 'report' && r.state === 'done')) return 0; // it ended as it should
  if (records.some((r) => r.phase === 'kexec' && r.state === 'begin')) return 0; // the jump began: the boot hook's
  let state: RunState | null = null;
  try {
    state = loadState(statePath(id));
  } catch {
    // killed before the state was written (selection, prepare): nothing dumped yet
  }
  // A CRIU the run left behind (KillMode=process keeps it running): let it finish.
  const pattern = `^criu (pre-dump|dump) .* -D ${state?.storeDir ?? storeDir(id)}/`;
  for (let i = 0; i < CRIU_WAIT_MS / 500; i++) {
    if ((await sh('pgrep', ['-f', pattern])).code !== 0) break;
    await sleep(500);
  }
  if (!state) {
    // Killed before the state was written (selection, prepare): nothing dumped yet.
    const plan = parsePlan(readText(planPath(id)));
    if (!plan.ok) {
      journal.write({
        phase: 'fallback',
        state: 'done',
        message: 'the upgrade’s own process was killed before it had a state; nothing was dumped',
        data: { aborted: true, cause: 'UPGRADE_INTERRUPTED', undo: [] },
      });
      finish(journal, null);
      return 1;
    }
    state = initialState(id, plan.plan);
  }
  const dumped = state.workloads.filter((w) => !alive(w.rootPid) && existsSync(join(w.dir, 'inventory.img')));
  // A dump that ended leaves its tasks stopped (dumpedTasks.ts), and so does the freeze of the
  // workloads dumped side by side, dumped yet or not: they are continued, not restored.
  const frozen = new Set(
    records.flatMap((r) => (r.phase === 'checkpoint' && r.state === 'info' && r.data.step === 'frozen-together' ? r.data.selectors : [])),
  );
  const stopped = state.workloads.filter(
    (w) => thawable(w) && isStopped(w.rootPid) && (frozen.has(w.selector) || criuSucceeded('dump', 0, readText(join(w.dir, 'dump.log')))),
  );
  // A dump that ended after the run died has no manifest yet: CRIU's log says whether it is
  // whole, and nothing has touched the images since (no kexec), so the manifest is made now.
  for (const w of dumped) {
    const manifest = join(dirname(w.dir), 'manifest.json');
    if (existsSync(manifest) || !criuSucceeded('dump', 0, readText(join(w.dir, 'dump.log')))) continue;
    const { algorithm } = chooseDigest();
    writeManifest(
      manifest,
      mergeManifests(algorithm, [
        ...w.preDumpDirs.map((d) => prefixed(basename(d), buildManifest(d, manifestSkip, algorithm))),
        prefixed('dump', buildManifest(w.dir, manifestSkip, algorithm)),
      ]),
    );
  }
  const err = new SeamlessError(
    'UPGRADE_INTERRUPTED',
    `the upgrade's own process was killed${records.some((r) => r.phase === 'checkpoint') ? ' during the checkpoint' : ''}`,
  );
  return abortBeforeJump(state, journal, err, {
    kernelStaged: readText('/sys/kernel/kexec_loaded').trim() === '1',
    frozen: records.some((r) => r.phase === 'checkpoint'),
    dumped,
    stopped,
    // Found dumped because their roots are gone already.
    killed: [],
  });
}
