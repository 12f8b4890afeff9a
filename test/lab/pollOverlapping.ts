// Why: a guest that is booting cannot be asked "are you up?" one attempt after another. QEMU's
// user network accepts the host's connection at once and then retries its SYN to the guest with
// a growing backoff, so an attempt made before the guest's network was up hears nothing for
// seconds after sshd listens; one made after would have answered at once. Measured on TCG:
// sshd listening 20 s before an attempt-after-attempt loop got in. Attempts that overlap (a new
// one every few seconds, a few in flight) answer within one period of sshd listening.

export interface OverlapOptions {
  /** Start another attempt this often while none has answered. */
  everyMs: number;
  /** At most this many attempts in flight (each costs the booting guest a connection). */
  maxInFlight: number;
  timeoutMs: number;
  /** Called before each new attempt; a throw ends the poll with that error (QEMU gone). */
  check?: () => void;
}

/** How the lab's waits poll a guest that may be booting: a new SSH attempt every 2.5 s, 3 at most in flight. */
export const GUEST_POLL = { everyMs: 2500, maxInFlight: 3 } as const;

/**
 * The first answer of overlapping attempts: `attempt` resolves with a value (answered) or
 * `undefined` (not yet), or rejects (a failure no retry mends, which ends the poll). Resolves
 * `undefined` once the time is up and no attempt is left in flight.
 */
export function pollOverlapping<T>(attempt: () => Promise<T | undefined>, o: OverlapOptions): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + o.timeoutMs;
    let inFlight = 0;
    let done = false;
    const finish = (end: () => void): void => {
      if (done) return;
      done = true;
      clearInterval(timer);
      end();
    };
    const launch = (): void => {
      if (done) return;
      if (Date.now() >= deadline) {
        if (inFlight === 0) finish(() => resolve(undefined));
        return;
      }
      try {
        o.check?.();
      } catch (err) {
        finish(() => reject(err));
        return;
      }
      if (inFlight >= o.maxInFlight) return;
      inFlight++;
      attempt().then(
        (value) => {
          inFlight--;
          if (value !== undefined) finish(() => resolve(value));
          else if (inFlight === 0 && Date.now() >= deadline) finish(() => resolve(undefined));
        },
        (err: unknown) => {
          inFlight--;
          finish(() => reject(err));
        },
      );
    };
    const timer = setInterval(launch, o.everyMs);
    launch();
  });
}
