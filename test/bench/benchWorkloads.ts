// Why: the side-by-side benchmark carries the same workloads by every method, and judges each by
// the workload's own word: a lab-memload service (its memory's checksum and a counter that only
// memory holds) and redis with the lab's dataset (its key count and DEBUG DIGEST). Both are
// systemd services, so a cold restart brings them back at all; the benchmark then measures what
// it costs and what is lost.
import { join } from 'node:path';
import { labExec } from '../lab/lab.js';
import { guest, memload, redisNoSandboxDropIn, sleep, type Memload } from '../lab/labAgent.js';
import { installStaticBinary } from './staticBinary.js';

export interface WorkloadState {
  /** A figure that only memory holds: memload's counter, redis's key count. */
  count: number;
  /** The content: memload's checksum (ok when it is the expected one), redis's DEBUG DIGEST. */
  digest: string;
  ok: boolean;
  /** The touch workload's own latency since its last gap (toucher.c): after a lazy restore, during the fill. */
  touch?: TouchLatency;
}

export interface TouchLatency {
  touches: number;
  slowestUs: number;
  over1ms: number;
  over10ms: number;
  over100ms: number;
  gaps: number;
}

export interface BenchWorkload {
  name: string;
  unit: string;
  /** What the guest probe (lab-bench-probe) polls for: `memload <size> [binary]` or `redis <keys>`. */
  probe: string;
  /** Memory it holds, for the table. */
  sizeLabel: string;
  /** Started (enabled, so a cold boot starts it too) and warm; its state then. */
  ready(): Promise<WorkloadState>;
  state(): Promise<WorkloadState>;
  /** Set up for a method that restarts it cold (redis: a dump.rdb written at its stop, as a persistent redis would). */
  beforeCold(): Promise<void>;
  /** Undoes beforeCold (the lab's redis keeps no files: after a kexec only CRIU can bring its data back). */
  afterCold(): Promise<void>;
  /** Bytes its cold path wrote as state (redis: the RDB file), 0 when none. */
  coldStateBytes(): Promise<number>;
  stop(): Promise<void>;
}

const mainPid = async (unit: string) => Number((await guest(`systemctl show -p MainPID --value ${unit}`)).trim());

const TOUCHER = '/usr/local/bin/lab-memload-touch';
const TOUCHER_UNIT = `[Unit]
Description=Seamless bench: memory touched at random, each touch timed (%i)
[Service]
Type=simple
ExecStart=${TOUCHER} %i
StandardInput=null
StandardOutput=null
StandardError=null
[Install]
WantedBy=multi-user.target
`;

/**
 * lab-memload, or (touch) the bench's own lab-memload-touch (test/bench/toucher.c): the same
 * pattern, checksum and report, its pages touched at random and each touch timed, so that a lazy
 * restore's fill shows in the workload's own latency.
 */
export function memloadService(size: string, touch = false): BenchWorkload {
  const unit = touch ? `lab-memload-touch@${size}.service` : `lab-memload@${size}.service`;
  const state = async (): Promise<WorkloadState> => {
    const pid = await mainPid(unit);
    if (!(pid > 1)) return { count: 0, digest: '', ok: false };
    // The checksum is the pattern's (a cold start writes the same one); what only memory holds is
    // the counter and the process's own start time, so the digest carries both.
    const m = (await memload(pid)) as Memload & { touch?: TouchLatency };
    return { count: m.counter, digest: `${m.checksum} started ${m.startedAtEpoch}`, ok: m.ok, ...(m.touch ? { touch: m.touch } : {}) };
  };
  return {
    name: `${touch ? 'touched' : 'memload'} ${size}`,
    unit,
    probe: `memload ${size}${touch ? ` ${TOUCHER}` : ''}`,
    sizeLabel: size,
    async ready() {
      if (touch) {
        await installStaticBinary(join(import.meta.dirname, 'toucher.c'), TOUCHER);
        const r = await labExec(`cat > /etc/systemd/system/lab-memload-touch@.service && systemctl daemon-reload`, { input: TOUCHER_UNIT });
        if (r.code !== 0) throw new Error(r.stderr);
      }
      // Restarted if it runs with a PID the next boot may take before the restore hook (the lab
      // starts lab-memload@256M at boot): PID clashes are preflight's warning, not this benchmark's subject.
      await guest(
        `systemctl enable --now ${unit} 2>&1; [ "$(systemctl show -p MainPID --value ${unit})" -gt 1000 ] || systemctl restart ${unit}`,
      );
      for (let i = 0; i < 600; i++) {
        const s = await state().catch(() => null);
        if (s?.ok) return s;
        await sleep(1000);
      }
      throw new Error(`${unit} did not get warm within 10 minutes`);
    },
    state,
    beforeCold: async () => {},
    afterCold: async () => {},
    coldStateBytes: async () => 0,
    async stop() {
      await guest(`systemctl disable --now ${unit} 2>&1`);
    },
  };
}

export function redisService(keys = 50_000): BenchWorkload {
  const unit = 'redis-server.service';
  const state = async (): Promise<WorkloadState> => {
    const out = (await guest('redis-cli DBSIZE; redis-cli DEBUG DIGEST').catch(() => '')).trim().split('\n');
    const count = Number(out[0]);
    return { count: Number.isFinite(count) ? count : 0, digest: out[1] ?? '', ok: count === keys };
  };
  return {
    name: 'redis',
    unit,
    probe: `redis ${keys}`,
    sizeLabel: `${keys} keys`,
    async ready() {
      // Debian's unit sandboxes redis in its own namespaces, which preflight refuses; its fix applied once.
      await guest(
        `[ -e /etc/systemd/system/${unit}.d/50-no-sandbox.conf ] || { ${redisNoSandboxDropIn(unit)}\nsystemctl daemon-reload && systemctl restart ${unit}; }`,
      );
      await guest('systemctl start redis-server.service && systemctl restart lab-redis-fill.service 2>&1', 15 * 60_000);
      const s = await state();
      if (!s.ok) throw new Error(`redis holds ${s.count} keys, expected ${keys}`);
      return s;
    },
    state,
    async beforeCold() {
      // As a persistent redis is run: its dataset written to dump.rdb when it stops.
      await guest(`redis-cli CONFIG SET save '3600 1' >/dev/null`);
    },
    async afterCold() {
      await guest(`redis-cli CONFIG SET save '' >/dev/null; rm -f /var/lib/redis/dump.rdb`);
    },
    async coldStateBytes() {
      return Number((await guest('stat -c %s /var/lib/redis/dump.rdb 2>/dev/null || echo 0')).trim());
    },
    async stop() {},
  };
}
