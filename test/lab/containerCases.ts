// Why: proves issue 16 on a real kernel: containers of podman and docker carried across the
// kexec through their own runtimes. One upgrade (6.1.0-47 ↔ 6.1.0-50) carries three lab-kv
// containers (an in-memory key-value server with 16 MiB of patterned memory; only a checkpoint
// keeps its keys) and the same server as a plain process (for the figures), each container with restart
// policy `always`: `kv` under podman with a client connected from outside the VM (its TCP
// connection carried), `dkv` under docker, and `kvfail` under podman whose binary is replaced in
// its own layer before the upgrade, so that CRIU refuses to restore it (as after a package
// upgrade inside a container). Afterwards: the same container IDs, the keys and the very process
// (its start time), the outside client answered on the same connection, no second copy started by
// a restart policy, docker's policy given back; `kvfail` started cold by its policy, its images
// kept, the journal saying why. Before it, preflight refuses a container under Debian's crun
// (built without CRIU) with the fix. Registered in upgrade.lab.test.ts's boot.
import { expect, it } from 'vitest';
import { labForwardPort } from './lab.js';
import { LineClient } from './lineClient.js';
import { call, guest, MIN, otherKernel, plan, summary, waitForKernel, waitForRecord, type Rec } from './labAgent.js';

interface Preflight {
  canStart: boolean;
  findings: { id: string; severity: string; workload?: string; message: string; fix: string }[];
  criuOptions: Record<string, string[]>;
}

/** One request to a lab-kv inside the guest (a fresh connection each time). */
const kv = async (port: number, line: string) =>
  (await guest(`timeout 10 bash -c 'exec 3<>/dev/tcp/127.0.0.1/${port}; echo "${line}" >&3; head -1 <&3'`)).trim();

/** lab-kv's INFO: pid=N started=EPOCH requests=N fill=BYTES sum=HEX */
const info = (line: string) => Object.fromEntries(line.split(' ').map((kvp) => kvp.split('=') as [string, string]));

const inspect = async (runtime: 'podman' | 'docker', name: string, format: string) =>
  (await guest(`${runtime} container inspect --format '${format}' ${name}`)).trim();

export function containersOnTheLab(): void {
  it('carries a podman and a docker container (restart always, an outside client on one); a container whose restore fails starts cold by its policy', async () => {
    const target = await otherKernel();
    await guest(`set -e
mkdir -p /etc/docker && echo '{"experimental": true}' > /etc/docker/daemon.json
systemctl enable --now containerd.service docker.socket docker.service 2>&1
# dockerd sets the FORWARD policy to DROP, which also drops new connections from outside to
# podman's containers; a host running both needs this (on every boot: dockerd does it again).
cat > /etc/systemd/system/lab-podman-forward.service <<'LAB'
[Unit]
Description=lab: outside clients reach podman's containers (dockerd sets FORWARD to DROP)
After=docker.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/sbin/iptables -I FORWARD -d 10.88.0.0/16 -j ACCEPT
[Install]
WantedBy=multi-user.target
LAB
systemctl enable --now lab-podman-forward.service 2>&1
lab-container-images podman docker
podman run -d --name kv --runtime runc --restart always -p 7000:7000 localhost/lab-kv:latest /lab-kv 7000 16M
podman run -d --name kvfail --runtime runc --restart always -p 7002:7000 localhost/lab-kv:latest /lab-kv 7000 16M
podman run -d --name kvcrun -p 7003:7000 localhost/lab-kv:latest /lab-kv 7000 16M
docker run -d --name dkv --restart always -p 7001:7000 localhost/lab-kv:latest /lab-kv 7000 16M
# the same server as a plain process, to set the runtimes' own cost against
setsid lab-kv 7004 16M </dev/null >/dev/null 2>&1 &
# each answers once it has filled its memory (QEMU's forward would accept a client before that)
for p in 7000 7001 7002 7003 7004; do
  for i in $(seq 120); do timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$p; echo PING >&3; head -1 <&3" 2>/dev/null | grep -q PONG && break; sleep 1; done
done`);
    const ids = {
      kv: await inspect('podman', 'kv', '{{.Id}}'),
      kvfail: await inspect('podman', 'kvfail', '{{.Id}}'),
      dkv: await inspect('docker', 'dkv', '{{.Id}}'),
    };
    const client = await LineClient.connect(labForwardPort('kv'));
    try {
      expect(await client.request('SET carried yes')).toBe('OK');
      expect(await client.request('INCR n')).toBe('1');
      expect(await kv(7001, 'SET carried docker')).toBe('OK');
      expect(await kv(7002, 'SET carried never')).toBe('OK');
      const before = { kv: info(await client.request('INFO')), dkv: info(await kv(7001, 'INFO')), kvfail: info(await kv(7002, 'INFO')) };
      // kvfail's /lab-kv replaced in its own (upper) layer: a byte longer than the one it runs.
      await guest(`u=$(podman container inspect --format '{{.GraphDriver.Data.UpperDir}}' kvfail)
cp /usr/local/bin/lab-kv "$u/lab-kv" && printf '\\0' >> "$u/lab-kv"`);

      // Debian's podman runs containers under crun, built without CRIU: refused, with the fix.
      const crun = await call<Preflight>('preflight.run', { plan: plan(['container:kvcrun'], {}, target) });
      expect(crun.canStart).toBe(false);
      expect(crun.findings.find((f) => f.id === 'container.oci-runtime-without-criu')?.fix).toMatch(/--runtime runc/);

      const plainPid = Number((await guest('pgrep -f "^lab-kv 7004"')).trim());
      expect(plainPid).toBeGreaterThan(1);
      const selectors = ['container:kv', 'container:dkv', 'container:kvfail', `pid:${plainPid}`];
      const pre = await call<Preflight>('preflight.run', { plan: plan(selectors, {}, target) });
      console.log(`containers preflight: ${pre.findings.map((f) => `${f.severity} ${f.id} ${f.workload ?? ''}`).join('; ')}`);
      expect(pre.findings.filter((f) => f.severity === 'block')).toEqual([]);
      expect(pre.criuOptions['container:kv']).toContain('--tcp-established');
      expect(pre.findings.filter((f) => f.id === 'container.restart-hold').map((f) => f.workload)).toEqual(
        expect.arrayContaining(selectors.slice(0, 3)),
      );

      const { upgradeId } = await call<{ upgradeId: string }>('upgrade.start', { plan: plan(selectors, {}, target) });
      await waitForKernel(target, 15 * MIN);
      const recs = await waitForRecord(upgradeId, (r) => r.phase === 'report' && r.state === 'done', 10 * MIN);
      console.log(
        `containers upgrade:\n${recs.map((r) => `${r.phase} ${r.state}${r.durationMs !== undefined ? ` ${r.durationMs} ms` : ''}: ${r.message}`).join('\n')}`,
      );

      // podman kv: the same connection answers, with the keys, from the same process. Its peer
      // (QEMU's user-mode network) scales no window: its image was rewritten after the checkpoint
      // (agent/criu/tcpStreamImage.ts), or the restored socket would advertise 4 bytes and each
      // request wait 5 s or more for the peer's persist probe; answered at once, they take ms.
      expect(recs.find((r) => r.phase === 'checkpoint' && r.data?.step === 'tcp-window-scale')?.data?.selector).toBe('container:kv');
      const t0 = Date.now();
      expect(await client.request('GET carried')).toBe('yes');
      expect(await client.request('INCR n')).toBe('2');
      const kvAfter = info(await client.request('INFO'));
      const threeMs = Date.now() - t0;
      console.log(`podman kv: 3 requests on the carried connection in ${threeMs} ms`);
      expect(threeMs).toBeLessThan(3000);
      expect([kvAfter.started, kvAfter.sum]).toEqual([before.kv.started, before.kv.sum]);
      expect(await inspect('podman', 'kv', '{{.Id}} {{.State.Status}}')).toBe(`${ids.kv} running`);
      // docker dkv: the same container and process, its policy given back, never restarted.
      expect(await kv(7001, 'GET carried')).toBe('docker');
      const dkvAfter = info(await kv(7001, 'INFO'));
      expect([dkvAfter.started, dkvAfter.sum]).toEqual([before.dkv.started, before.dkv.sum]);
      expect(await inspect('docker', 'dkv', '{{.Id}} {{.State.Status}} {{.RestartCount}} {{.HostConfig.RestartPolicy.Name}}')).toBe(
        `${ids.dkv} running 0 always`,
      );
      // restart always started no second copy: one container each, podman-restart.service ran after the restore.
      expect(
        (await guest(`podman ps -a --format '{{.Names}}' | grep -c '^kv$'; docker ps -a --format '{{.Names}}' | grep -c '^dkv$'`))
          .trim()
          .split('\n'),
      ).toEqual(['1', '1']);
      expect((await guest('systemctl is-active podman-restart.service || true')).trim()).toBe('active');
      expect((await guest('test -e /etc/systemd/system/podman-restart.service.d/50-seamless-hold.conf; echo $?')).trim()).toBe('1');

      // kvfail: CRIU refused it (its binary changed), so it started cold by its policy: same ID, a new process, no keys.
      const gaveUp = recs.find((r: Rec) => r.data?.step === 'gave-up' && r.data?.selector === 'container:kvfail');
      expect(gaveUp?.error?.evidence).toBeTruthy();
      expect(recs.find((r) => r.data?.step === 'cold-started')?.data).toMatchObject({ selector: 'container:kvfail', started: true });
      expect(await inspect('podman', 'kvfail', '{{.Id}} {{.State.Status}}')).toBe(`${ids.kvfail} running`);
      expect(await kv(7002, 'GET carried')).toBe('(nil)');
      expect(info(await kv(7002, 'INFO')).started).not.toBe(before.kvfail.started);
      expect(await summary(upgradeId)).toMatchObject({ state: 'ended', outcome: 'cold-started' });
      const report = JSON.parse(await guest(`cat /var/lib/seamless/upgrades/${upgradeId}/report.json`)) as {
        blackoutMs: number;
        workloads: { selector: string; fate: string; bytesDumped: number }[];
      };
      expect(report.workloads.map((w) => [w.selector, w.fate])).toEqual([
        ['container:kv', 'restored'],
        ['container:dkv', 'restored'],
        ['container:kvfail', 'cold-started'],
        [`pid:${plainPid}`, 'restored'],
      ]);
      expect(await kv(7004, 'INFO')).toMatch(new RegExp(`^pid=${plainPid} `));
      expect((await guest(`test -d /var/lib/seamless/store/${upgradeId}/container-kvfail; echo $?`)).trim()).toBe('0');
      // The figures: each workload's dump and restore, the runtimes' against the plain process.
      const dumped = (recs.find((r) => r.phase === 'checkpoint' && r.state === 'done')?.data?.workloads ?? []) as {
        selector: string;
        dumpMs?: number;
        bytesDumped: number;
      }[];
      const step = (sel: string, steps: string[]) =>
        recs.find((r) => r.phase === 'restore' && steps.includes(String(r.data?.step)) && r.data?.selector === sel);
      const freezeAt = Number(recs.find((r) => r.phase === 'checkpoint' && r.state === 'done')?.data?.freezeAtMs);
      console.log(
        `containers figures: blackout (all) ${report.blackoutMs} ms; ${dumped
          .map((d) => {
            const back = step(d.selector, ['restored']);
            return `${d.selector}: ${d.bytesDumped} bytes, dump ${d.dumpMs} ms, restore ${step(d.selector, ['restored', 'gave-up'])?.durationMs} ms, back ${back ? back.atMs - freezeAt : '–'} ms after the freeze`;
          })
          .join('; ')}`,
      );
      await call('upgrade.cleanup', { id: upgradeId });
    } finally {
      client.close();
      await guest(
        'pkill -f "^lab-kv 7004"; podman rm -f -t 0 kv kvfail kvcrun; docker rm -f dkv; systemctl disable --now lab-podman-forward.service docker.service docker.socket containerd.service 2>&1 || true',
      );
    }
  });
}
