// Why: CRIU's debug log (-v4) writes a line per mapping, page run and file, each a write(2); on the
// lab (TCG) a 64 MiB tree's dump wrote 1,200 lines and took 80–150 ms longer than at the info
// level (-v3, 380 lines), its restore 640 against 176 lines and 50–70 ms. Both are in the
// blackout. Info keeps every error and warning and the steps ("Dumping finished successfully"),
// which criuLog.ts judges by; the full detail is kept where it is the point: the retry of a failed
// restore, and the lazy-pages daemon, whose debug lines are the fill's fault counts.

/** Dumps, pre-dump rounds and a first restore: errors, warnings and CRIU's steps. */
export const CRIU_LOG_INFO = '-v3' as const;
/** A restore retried after a failure, and the lazy-pages daemon: everything CRIU says. */
export const CRIU_LOG_DEBUG = '-v4' as const;
export type CriuLogLevel = typeof CRIU_LOG_INFO | typeof CRIU_LOG_DEBUG;
