// Why: the UI, CLI and controller name hosts the same way; "local" is this machine, reached
// without SSH through the same agent and protocol.
import * as z from '../zod';

export const LOCAL_HOST_ID = 'local';

export const hostRefSchema = z.object({
  id: z.string().check(z.minLength(1)),
  label: z.string(),
  kind: z.enum(['local', 'ssh']),
  /** Set for a host the launcher handed in (the lab): whether it runs, and whether the app can start and stop it. */
  provided: z.optional(
    z.object({
      state: z.enum(['running', 'stopped']),
      controllable: z.boolean(),
      /** What to do when it is stopped and the app cannot start it. */
      hint: z.string(),
    }),
  ),
});
export type HostRef = z.infer<typeof hostRefSchema>;
