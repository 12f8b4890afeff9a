// Why: /proc/PID/stat holds ppid, state, start time, threads and the controlling terminal in one
// read. The command name sits in parentheses and may itself contain spaces and ')', so the
// fields are split after the LAST ')' (proc(5)).

export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** Session id: a process whose session leader is outside the dumped tree needs --shell-job. */
  session: number;
  ttyNr: number;
  flags: number;
  numThreads: number;
  /** Clock ticks after boot. */
  startTicks: number;
}

/** USER_HZ: the unit of /proc/PID/stat start times; 100 on every Linux architecture in use. */
export const USER_HZ = 100;

/** PF_KTHREAD from include/linux/sched.h: the task is a kernel thread. */
export const PF_KTHREAD = 0x00200000;

export function parseStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open === -1 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const f = text
    .slice(close + 2)
    .trim()
    .split(' ');
  // f[0] is field 3 (state); field N is f[N - 3].
  if (f.length < 20 || !Number.isInteger(pid)) return null;
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: f[0]!,
    ppid: Number(f[1]),
    session: Number(f[3]),
    ttyNr: Number(f[4]),
    flags: Number(f[6]),
    numThreads: Number(f[17]),
    startTicks: Number(f[19]),
  };
}
