// Why: a blackout ends when the workload answers, and "warm" when its own readiness check says
// so; both are seen best from inside the guest, from as early in the next boot as possible, and
// the same way for every method. lab-bench-probe runs once on the boot after it is armed
// (DefaultDependencies=no: it starts with the first units), polls every 0.2 s and writes guest
// wall-clock milliseconds; the benchmark reads them when SSH is back.
import { labExec } from '../lab/lab.js';
import { guest, sleep } from '../lab/labAgent.js';

const DIR = '/var/lib/lab-bench';

const PROBE = `#!/bin/bash
# lab-bench-probe: from early boot, until the workload answers and is warm (see test/bench/guestProbe.ts).
# Its loop forks nothing (bash builtins, /dev/tcp, /proc): the boot it measures is not slowed and
# its PIDs are not used up.
d=${DIR}
[[ -e $d/armed ]] || exit 0
rm -f $d/armed $d/answered $d/warm $d/written   # (the one fork, before the loop)
read -r kind arg bin < $d/probe
bin=\${bin:-/usr/local/bin/lab-memload}
ms() { local t=\${EPOCHREALTIME/./}; REPLY=\${t:0:\${#t}-3}; }
mkfifo /run/lab-bench-tick 2>/dev/null; exec 9<>/run/lab-bench-tick
tick() { read -r -t 0.2 -u 9 _; }
answered=
memload_pid() {
  local f argv
  for f in /proc/[0-9]*/cmdline; do
    mapfile -d '' -t argv < "$f" 2>/dev/null || continue
    [[ \${argv[0]} == "$bin" && \${argv[1]} == "$arg" ]] && { REPLY=\${f//[^0-9]/}; return 0; }
  done
  return 1
}
resp() { # resp CMD: one RESP command to the local redis, its first reply line in REPLY
  exec 3<>/dev/tcp/127.0.0.1/6379 2>/dev/null || return 1
  printf '%s\\r\\n' "$1" >&3
  read -r -t 2 REPLY <&3; local ok=$?; exec 3>&-; REPLY=\${REPLY%$'\\r'}; return $ok
}
while :; do
  case $kind in
  memload)
    if memload_pid; then
      pid=$REPLY
      read -r _ _ st _ < /proc/$pid/stat 2>/dev/null
      if [[ $st != T ]]; then
        [[ -n $answered ]] || { ms; answered=$REPLY; echo $answered > $d/answered; }
        r=/run/lab-memload/$pid.json
        [[ -e $r ]] && : > "$r"
        kill -USR1 $pid 2>/dev/null
        for ((i = 0; i < 300; i++)); do [[ -s $r ]] && break; tick; done
        json=; read -r -d '' json < "$r" 2>/dev/null
        [[ $json == *'"ok":true'* ]] && { ms; echo $REPLY > $d/warm; break; }
      fi
    fi ;;
  redis)
    if resp PING; then
      [[ -n $answered ]] || { ms; answered=$REPLY; echo $answered > $d/answered; }
      if [[ $REPLY == +PONG ]] && resp DBSIZE && [[ $REPLY == ":$arg" ]]; then ms; echo $REPLY > $d/warm; break; fi
    fi ;;
  esac
  tick
done
# sectors written to the root disk by this boot until warm
read -r _ _ _ _ _ _ w _ < /sys/block/vda/stat
echo $((w * 512)) > $d/written
`;

const UNIT = `[Unit]
Description=Seamless bench: when the workload answers and is warm on this boot
DefaultDependencies=no
# After Seamless's restore hook (only there on its restore boot): nothing may take a PID that
# the restore needs. A Seamless run's answer is then its restore record's time (methods.ts).
After=local-fs.target seamless-restore.service
ConditionPathExists=${DIR}/armed
[Service]
Type=simple
ExecStart=/usr/local/sbin/lab-bench-probe
[Install]
WantedBy=sysinit.target
`;

/** Installs the probe (idempotent). */
export async function installProbe(): Promise<void> {
  for (const [path, text, mode] of [
    ['/usr/local/sbin/lab-bench-probe', PROBE, '755'],
    ['/etc/systemd/system/lab-bench-probe.service', UNIT, '644'],
  ] as const) {
    const r = await labExec(`mkdir -p ${DIR} && cat > ${path} && chmod ${mode} ${path}`, { input: text });
    if (r.code !== 0) throw new Error(`cannot install ${path}: ${r.stderr}`);
  }
  await guest('systemctl daemon-reload && systemctl enable lab-bench-probe.service 2>&1');
}

/** Arms the probe for the next boot, for one workload. */
export async function armProbe(probe: string): Promise<void> {
  await guest(
    `mkdir -p ${DIR} && rm -f ${DIR}/answered ${DIR}/warm ${DIR}/written ${DIR}/stopped && echo '${probe}' > ${DIR}/probe && touch ${DIR}/armed && sync`,
  );
}

export interface ProbeResult {
  answeredAtMs: number;
  warmAtMs: number;
  /** Bytes this boot wrote to the root disk until warm. */
  writtenBytes: number;
  /** Kernel + initrd of this boot: systemd's own start, in µs since the kernel began. */
  kernelBootMs: number;
}

/** Waits (after SSH is back) for the probe's verdict on this boot. */
export async function probeResult(timeoutMs: number): Promise<ProbeResult> {
  const t0 = Date.now();
  for (;;) {
    const out = (await guest(`cat ${DIR}/answered ${DIR}/warm ${DIR}/written 2>/dev/null || true`)).trim().split('\n');
    if (out.length === 3) {
      const userspaceUs = Number((await guest('systemctl show -p UserspaceTimestampMonotonic --value')).trim());
      return { answeredAtMs: Number(out[0]), warmAtMs: Number(out[1]), writtenBytes: Number(out[2]), kernelBootMs: userspaceUs / 1000 };
    }
    if (Date.now() - t0 > timeoutMs) throw new Error(`lab-bench-probe gave no verdict within ${timeoutMs / 1000} s: ${out.join(' | ')}`);
    await sleep(2000);
  }
}

/** For a cold method: the guest's wall clock when systemd began to stop the unit (an ExecStop run as root, "+", before the kill: redis runs as its own user). */
export async function markStop(unit: string): Promise<void> {
  await guest(
    `mkdir -p /run/systemd/system/${unit}.d && printf '[Service]\\nExecStop=+/bin/sh -c "date +%%%%s%%%%3N > ${DIR}/stopped; sync"\\n' > /run/systemd/system/${unit}.d/bench-stop.conf && systemctl daemon-reload`,
  );
}

export const stoppedAtMs = async (): Promise<number> => Number((await guest(`cat ${DIR}/stopped`)).trim());
