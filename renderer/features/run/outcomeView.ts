// Why: the host decides how an upgrade ended (the report record's outcome, carried in the
// summary); the app only says it, in the same word the CLI prints and in a colour that agrees
// with the CLI's exit code: only `restored` (exit 0) is success. A workload that came back
// cold, unmanaged or on the old kernel still needs the admin, so it is a warning; an abort or
// a failure is an error. Nothing here looks at records to guess the outcome.
import { isSuccess, kernelName, type Outcome, type TargetKernel } from '../../../shared/domain/journal';

export type Tone = 'success' | 'warning' | 'error';

export interface OutcomeView {
  /** The outcome word, as the journal and the CLI write it. */
  word: Outcome;
  tone: Tone;
  /** What happened, in one sentence an admin can act on. */
  sentence: string;
}

const TONE: Record<Outcome, Tone> = {
  restored: 'success',
  'restored-unmanaged': 'warning',
  'rolled-back': 'warning',
  'cold-started': 'warning',
  lost: 'error',
  aborted: 'error',
  failed: 'error',
};

export function outcomeView(outcome: Outcome, target: TargetKernel | null): OutcomeView {
  const kernel = target ? kernelName(target) : 'the new kernel';
  const sentences: Record<Outcome, string> = {
    restored: `Every workload runs again on ${kernel}, with its PIDs and memory, and its services are back under systemd.`,
    'restored-unmanaged': `Every workload runs again on ${kernel}, but systemd did not take a service back: it runs unmanaged (the release record says which). Restart it under systemd when convenient.`,
    'rolled-back': `The restore failed on ${kernel}; the host went back to the old kernel and every workload was restored there. The host still runs the old kernel.`,
    'cold-started': `A workload could not be restored on ${kernel}; its service was started cold, so its in-memory state was lost. The images are kept in the store; the journal says why.`,
    lost: `A workload that is not a service could not be restored on ${kernel} and is gone: nothing could start it cold. Its images are kept in the store; the journal says why.`,
    aborted: 'Stopped before the jump: nothing was kexeced and the workloads kept running. The journal says why.',
    failed: 'The upgrade stopped where no fallback applied. The journal says where; check the workloads on the host.',
  };
  // Green is the CLI's exit 0 (isSuccess), whatever the table says.
  const tone = isSuccess(outcome) ? 'success' : TONE[outcome] === 'success' ? 'warning' : TONE[outcome];
  return { word: outcome, tone, sentence: sentences[outcome] };
}
