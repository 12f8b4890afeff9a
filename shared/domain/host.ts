// Why: the UI, CLI and controller name hosts the same way; "local" is this machine, reached
// without SSH through the same agent and protocol.
import * as z from '../zod';

export const LOCAL_HOST_ID = 'local';

export const hostRefSchema = z.object({
  id: z.string().check(z.minLength(1)),
  label: z.string(),
  kind: z.enum(['local', 'ssh']),
});
export type HostRef = z.infer<typeof hostRefSchema>;
