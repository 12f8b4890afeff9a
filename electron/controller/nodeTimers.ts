// Why: shared/rpc/rpcPeer.ts takes its timers from the host; these are Node's.
import type { Timers } from '../../shared/rpc/rpcPeer';

export const nodeTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
