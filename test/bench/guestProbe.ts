// Why: a blackout ends when the workload answers, and "warm" when its own readiness check says
// so; both are seen best from inside the guest, from as early in the next boot as possible, and
// the same way for every method. lab-bench-probe runs once on the boot after it is armed
// (DefaultDependencies=no: it starts with the first units), polls every 0.2 s and writes guest
// wall-clock milliseconds; the benchmark reads them when SSH is back.
import { labExec } from '../lab/lab.js';
import { guest, sleep } from '../lab/labAgent.js';

const DIR = '/var/lib/lab-bench';

const PROBE = `#!/bin/sh
# lab-bench-probe: from early boot, until the workload answers and is warm (see test/bench/guestProbe.ts).
set -u
d=${DIR}
[ -e $d/armed ] || exit 0
rm -f $d/armed $d/answered $d/warm $d/written
set -- $(cat $d/probe)
now() { date +%s%3N; }
answered=
while :; do
  case $1 in
  memload)
    pid=$(pgrep -x lab-memload | head -1)
    if [ -n "$pid" ] && [ "$(cut -d' ' -f3 /proc/$pid/stat 2>/dev/null)" != T ]; then
      [ -n "$answered" ] || { answered=$(now); echo $answered > $d/answered; }
      if lab-memload-status $pid 2>/dev/null | grep -q '"ok":true'; then now > $d/warm; break; fi
    fi ;;
  redis)
    r=$(redis-cli PING 2>/dev/null)
    if [ -n "$r" ]; then
      [ -n "$answered" ] || { answered=$(now); echo $answered > $d/answered; }
      if [ "$r" = PONG ] && [ "$(redis-cli DBSIZE 2>/dev/null)" = "$2" ]; then now > $d/warm; break; fi
    fi ;;
  esac
  sleep 0.2
done
# sectors written to the root disk by this boot until warm
echo $(( $(awk '{print $7}' /sys/block/vda/stat) * 512 )) > $d/written
`;

const UNIT = `[Unit]
Description=Seamless bench: when the workload answers and is warm on this boot
DefaultDependencies=no
After=local-fs.target
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

/** For a cold method: the guest's wall clock when systemd began to stop the unit (its ExecStop, before the kill). */
export async function markStop(unit: string): Promise<void> {
  await guest(
    `mkdir -p /run/systemd/system/${unit}.d && printf '[Service]\\nExecStop=/bin/sh -c "date +%%%%s%%%%3N > ${DIR}/stopped; sync"\\n' > /run/systemd/system/${unit}.d/bench-stop.conf && systemctl daemon-reload`,
  );
}

export const stoppedAtMs = async (): Promise<number> => Number((await guest(`cat ${DIR}/stopped`)).trim());
