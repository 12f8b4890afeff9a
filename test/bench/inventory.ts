// Benchmark: a full inventory of a host with 10,000 processes, by the real (bundled) agent over
// the real protocol. Targets: under 1 s of agent CPU and under 64 MiB agent RSS. Prints figures;
// run with `npm run bench:inventory` (builds first). Needs perl (Debian: perl-base) to fork.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadAgentBundle } from '../../electron/controller/agentBundle';
import { startLocalAgent } from '../../electron/controller/localAgent';

const N = Number(process.env.BENCH_PROCESSES ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const USER_HZ = 100;

function agentCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) / USER_HZ) * 1000;
}

function statusKb(pid: number, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

async function forkSleepers(n: number): Promise<{ stop: () => void }> {
  const perl = spawn(
    'perl',
    [
      '-e',
      `$|=1; for (1..${n}) { my $p = fork; die "fork: $!" unless defined $p; if (!$p) { sleep 3600; exit 0 } } print "ready\\n"; sleep 3600`,
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    perl.stdout.on('data', (c: Buffer) => c.toString().includes('ready') && resolve());
    perl.on('exit', (code) => reject(new Error(`perl exited with ${code} before forking ${n} processes`)));
  });
  return { stop: () => process.kill(-perl.pid!, 'SIGKILL') };
}

async function main(): Promise<void> {
  const started = Date.now();
  const sleepers = await forkSleepers(N);
  console.log(`forked ${N} sleeping processes in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const agent = await startLocalAgent(loadAgentBundle(), 'bench');
  try {
    const hello = await agent.connection.call('hello', { protocolVersion: 2, controller: 'bench' });
    const rows: string[] = [`agent idle: RSS ${(statusKb(hello.pid, 'VmRSS') / 1024).toFixed(1)} MiB`];
    for (let round = 1; round <= ROUNDS; round++) {
      const cpu0 = agentCpuMs(hello.pid);
      const t0 = performance.now();
      const inv = await agent.connection.call('inventory.list', {}, { timeoutMs: 120_000 });
      const wall = performance.now() - t0;
      const cpu = agentCpuMs(hello.pid) - cpu0;
      const bytes = JSON.stringify(inv).length;
      rows.push(
        `round ${round}: ${inv.processes.length} processes, ${inv.workloads.length} workloads, wall ${wall.toFixed(0)} ms, agent CPU ${cpu.toFixed(0)} ms, answer ${(bytes / 1024 / 1024).toFixed(1)} MiB, agent RSS now ${(statusKb(hello.pid, 'VmRSS') / 1024).toFixed(1)} MiB`,
      );
    }
    for (const r of rows) console.log(r);
    console.log(
      `agent peak RSS (VmHWM): ${(statusKb(hello.pid, 'VmHWM') / 1024).toFixed(1)} MiB   targets: < 1000 ms agent CPU, < 64 MiB RSS`,
    );
  } finally {
    await agent.stop();
    sleepers.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
