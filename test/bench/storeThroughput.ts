// Micro-benchmark: how close CRIU's dump and restore come to the store's own limit. On the lab's
// pmem store (ext4, DAX), a plain sequential write and read of N bytes (dd, 4 MiB blocks) beside
// `criu dump` and `criu restore` of a lab-memload holding N bytes, into and from the same store;
// and the image digests' rates over memory. Not part of `npm test`.
// Run: `npm run bench:store` (1 GiB) or `npm run bench:store -- 512M`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labDown, labExec, labStatus, labUp } from '../lab/lab.js';
import { guest, memload, sleep } from '../lab/labAgent.js';
import { RESULTS_DIR } from './results.js';

const size = process.argv.slice(2).find((a) => /^\d+[MG]$/.test(a)) ?? '1G';
const MNT = '/mnt/bench-store';

const SCRIPT = `
set -eu
now() { date +%s%N; }
modprobe -a nd_e820 nd_pmem
umount ${MNT} 2>/dev/null || true
umount /var/lib/seamless/store 2>/dev/null || true
mkfs.ext4 -F -q -b 4096 /dev/pmem0
mkdir -p ${MNT} && mount -o dax=always /dev/pmem0 ${MNT}
count=$(( BYTES / 4194304 ))
t0=$(now); dd if=/dev/zero of=${MNT}/plain bs=4M count=$count conv=fsync status=none; t1=$(now)
echo 3 > /proc/sys/vm/drop_caches
t2=$(now); dd if=${MNT}/plain of=/dev/null bs=4M status=none; t3=$(now)
# a restore reads into memory it has just mapped: the same read into fresh pages (tmpfs) is its real limit
fresh=$(( count / 4 ))  # a quarter: the guest's RAM holds the workload too
t8=$(now); dd if=${MNT}/plain of=/dev/shm/bench-fresh bs=4M count=$fresh status=none; t9=$(now)
rm -f ${MNT}/plain /dev/shm/bench-fresh
mkdir -p ${MNT}/img
t4=$(now); criu dump -t $PID -D ${MNT}/img -o dump.log; t5=$(now)
pages=$(stat -c %s ${MNT}/img/pages-*.img | awk '{ s += $1 } END { print s }')
t6=$(now); criu restore -D ${MNT}/img -o restore.log -d; t7=$(now)
echo "{\\"plainWriteNs\\":$((t1 - t0)),\\"plainReadNs\\":$((t3 - t2)),\\"freshReadNs\\":$((t9 - t8)),\\"freshBytes\\":$((fresh * 4194304)),\\"plainBytes\\":$((count * 4194304)),\\"dumpNs\\":$((t5 - t4)),\\"restoreNs\\":$((t7 - t6)),\\"pageBytes\\":$pages}"
`;

const DIGESTS = `node -e '
const c = require("crypto"); const b = Buffer.alloc(16 << 20, 0xa5); const out = {};
for (const a of ["sha256", "blake2b512", "md5"]) { const t = process.hrtime.bigint(); c.createHash(a).update(b).update(b).digest(); out[a] = (32 << 20) / (Number(process.hrtime.bigint() - t) / 1e9); }
console.log(JSON.stringify(out));'`;

const rate = (bytes: number, ns: number) => `${(bytes / (ns / 1e9) / 1e6).toFixed(0)} MB/s`;

async function main(): Promise<void> {
  if ((await labStatus()).running) await labDown();
  await labUp({ log: () => undefined });
  try {
    await guest(`setsid -f lab-memload ${size} </dev/null >/dev/null 2>&1`);
    const pid = Number((await guest('sleep 1; pgrep -n -x lab-memload')).trim());
    let before = await memload(pid);
    for (let i = 0; i < 300 && !before.ok; i++) {
      await sleep(1000);
      before = await memload(pid);
    }
    const bytes = Number((await guest(`numfmt --from=iec ${size}`)).trim());
    const r = await labExec(`PID=${pid} BYTES=${bytes} sh -s`, { input: SCRIPT, timeoutMs: 30 * 60_000 });
    if (r.code !== 0) throw new Error(`the store benchmark failed: ${r.stderr}\n${r.stdout}`);
    const m = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
    const after = await memload(pid);
    const digests = JSON.parse((await guest(DIGESTS)).trim()) as Record<string, number>;
    await guest(`kill ${pid}; umount ${MNT}`);
    const row = (what: string, b: number, ns: number, vs?: [number, number]) =>
      `${what.padEnd(34)} ${rate(b, ns).padStart(10)}${vs ? `   ${(b / ns / (vs[0] / vs[1])).toFixed(2)}× the plain rate` : ''}`;
    console.log(
      `store: /dev/pmem0 (memmap, ext4, dax=always); ${size} lab-memload (pid ${pid}), restored ${after.ok && after.checksum === before.checksum ? 'intact' : 'NOT INTACT'}`,
    );
    console.log(row('plain sequential write (dd, fsync)', m.plainBytes!, m.plainWriteNs!));
    console.log(row('criu dump (page images)', m.pageBytes!, m.dumpNs!, [m.plainBytes!, m.plainWriteNs!]));
    console.log(row('plain sequential read (dd)', m.plainBytes!, m.plainReadNs!));
    console.log(row('criu restore (page images)', m.pageBytes!, m.restoreNs!, [m.plainBytes!, m.plainReadNs!]));
    console.log(row('plain read into fresh pages (tmpfs)', m.freshBytes!, m.freshReadNs!));
    console.log(row('criu restore against that', m.pageBytes!, m.restoreNs!, [m.freshBytes!, m.freshReadNs!]));
    for (const [a, v] of Object.entries(digests))
      console.log(`${`digest ${a} over memory`.padEnd(34)} ${`${(v / 1e6).toFixed(0)} MB/s`.padStart(10)}`);
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, `store-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify({ version: 1, benchmark: 'store', size, ...m, digests, intact: after.ok }, null, 2)}\n`);
    console.log(`raw figures: ${file}`);
  } finally {
    await labDown({ log: () => undefined });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
