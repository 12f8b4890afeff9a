import { kexecBegin, report, restoreEnd, START, stamped } from '../../../helpers/journalRecords';
import type { RecordInput } from '../../../../shared/domain/journal';
import { goneOf, outcomeOf } from '../../../../agent/upgrade/report';
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { hex, overlapping, parseKexecSegments, placementWindow } from '../../../../agent/upgrade/kexecSegments';
import { criuEvidence, criuSucceeded, pagesBytes, shouldPreDumpAgain } from '../../../../agent/upgrade/criuLog';
import {
  buildManifest,
  buildManifestAsync,
  buildManifestWhileWritten,
  hashWhileWritten,
  manifestSkip,
  checkBeforeRestore,
  checkPageImages,
  mergeManifests,
  prefixed,
  verifyManifest,
} from '../../../../agent/upgrade/manifest';
import { chooseDigest } from '../../../../agent/upgrade/imageDigest';
import { IMAGE_DIGESTS } from '../../../../shared/domain/upgradeFiles';
import type { WorkloadState } from '../../../../shared/domain/upgradeFiles';
import { bootHookUnit, containerHoldDropIn, containerHoldUnits, holdDropIn } from '../../../../agent/upgrade/units';
import { newUpgradeId, safeName } from '../../../../agent/upgrade/paths';
import { pmemRange, ramTop } from '../../../../agent/upgrade/store';
import { saferOptions } from '../../../../agent/upgrade/restore';
import { Journal, listUpgrades } from '../../../../agent/upgrade/journal';
import { summarize, upgradeIdSchema } from '../../../../shared/domain/upgrade';
import { SeamlessError } from '../../../../shared/errors';

// `kexec -l -d` on the lab guest (6.1.0-47 loading 6.1.0-50, memmap=1G!1G).
const KEXEC_D = `nr_segments = 5
segment[0].buf   = 0x55f6e4255420
segment[0].bufsz = 0x30
segment[0].mem   = 0x100000
segment[0].memsz = 0x1000
segment[1].buf   = 0x7fcf01a36010
segment[1].bufsz = 0x62e547
segment[1].mem   = 0xbb9d1000
segment[1].memsz = 0x62f000
segment[2].buf   = 0x7fcf0206a010
segment[2].bufsz = 0x7d27c0
segment[2].mem   = 0xbc000000
segment[2].memsz = 0x3f97000
segment[3].buf   = 0x55f6e424ef40
segment[3].bufsz = 0x507f
segment[3].mem   = 0xbffce000
segment[3].memsz = 0x6000
segment[4].buf   = 0x55f6e4247d70
segment[4].bufsz = 0x70e0
segment[4].mem   = 0xbffd4000
segment[4].memsz = 0x9000
`;
const IOMEM = `00000000-00000fff : Reserved
00001000-0009fbff : System RAM
00100000-3fffffff : System RAM
  01000000-01c02436 : Kernel code
40000000-7fffffff : Persistent Memory (legacy)
  40000000-7fffffff : namespace0.0
80000000-bffdcfff : System RAM
bffdd000-bfffffff : Reserved
`;

describe('kexec placement', () => {
  const store = pmemRange(IOMEM)!;
  it('reads the segments kexec -d prints and the store range', () => {
    const segs = parseKexecSegments(KEXEC_D);
    expect(segs).toHaveLength(5);
    expect(segs[2]).toEqual({ index: 2, mem: 0xbc000000, memsz: 0x3f97000 });
    expect(store).toEqual({ start: 0x40000000, end: 0x7fffffff });
    expect(ramTop(IOMEM)).toBe(0xbffdcfff);
    expect(overlapping(segs, store)).toEqual([]);
  });
  it('finds a segment on the store and a window that avoids it', () => {
    const segs = [...parseKexecSegments(KEXEC_D), { index: 5, mem: 0x7ff00000, memsz: 0x200000 }];
    expect(overlapping(segs, store).map((s) => s.index)).toEqual([5]);
    const win = placementWindow(store, ramTop(IOMEM), 80 * 1024 * 1024)!;
    expect(hex(win.memMin)).toBe('0x80000000');
    expect(win.memMax).toBe(0xbffdcfff);
    expect(placementWindow(store, 0x80000000 + 1024, 2 * 1024 * 1024 * 1024)).toBeNull();
  });
});

describe('criu logs', () => {
  const probeNoise = '(00.01) Error (criu/util.c:642): exited, status=1\n(00.02) Error (criu/util.c:642): exited, status=1\n';
  it('judges by exit status and the end of the log, not by the probe noise', () => {
    expect(criuSucceeded('dump', 0, `${probeNoise}(01.0) Dumping finished successfully\n`)).toBe(true);
    expect(criuSucceeded('dump', 1, `${probeNoise}(01.0) Error (criu/cr-dump.c:2053): Dumping FAILED.\n`)).toBe(false);
    expect(criuSucceeded('restore', 0, `${probeNoise}(02.0) Restore finished successfully. Tasks resumed.\n`)).toBe(true);
  });
  it('shows the real errors without the probe noise', () => {
    const ev = criuEvidence(
      `${probeNoise}(00.26) Error (criu/pstree.c:296): The root process 630 is not a session leader\nline\n(00.27) Error (criu/cr-dump.c:2053): Dumping FAILED.\n`,
      2,
    );
    expect(ev).toContain('not a session leader');
    expect(ev).not.toContain('util.c:642');
  });
  it('counts page bytes and stops pre-dumping when the dirty set stops shrinking', () => {
    expect(
      pagesBytes([
        { name: 'pages-1.img', size: 10 },
        { name: 'pages-2.img', size: 5 },
        { name: 'pagemap-1.img', size: 99 },
      ]),
    ).toBe(15);
    expect(shouldPreDumpAgain([], 3)).toBe(true);
    expect(shouldPreDumpAgain([268574720], 3)).toBe(true);
    expect(shouldPreDumpAgain([268574720, 4214784], 3)).toBe(true);
    expect(shouldPreDumpAgain([268574720, 4214784, 2117632], 3)).toBe(false);
    expect(shouldPreDumpAgain([100, 98], 5)).toBe(false);
  });
});

describe('manifest', () => {
  it('checks sizes and digests before the restore, the page images beside it, and names what differs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    mkdirSync(join(dir, 'dump'));
    writeFileSync(join(dir, 'dump', 'pages-1.img'), 'abc');
    writeFileSync(join(dir, 'dump', 'core-1.img'), 'core');
    const m = buildManifest(dir);
    expect(m.totalBytes).toBe(7);
    expect(IMAGE_DIGESTS).toContain(m.algorithm);
    expect(checkBeforeRestore(dir, m)).toBe(3); // the page images' bytes, left to checkPageImages
    await verifyManifest(dir, m);
    writeFileSync(join(dir, 'dump', 'restore.log'), 'later');
    await verifyManifest(dir, m); // files written after the manifest do not matter
    writeFileSync(join(dir, 'dump', 'pages-1.img'), 'abd');
    expect(checkBeforeRestore(dir, m)).toBe(3); // same size: only the page check sees it
    expect(await checkPageImages(dir, m)).toEqual([`dump/pages-1.img: ${m.algorithm} differs`]);
    await expect(verifyManifest(dir, m)).rejects.toMatchObject({ code: 'MANIFEST_MISMATCH' });
    writeFileSync(join(dir, 'dump', 'core-1.img'), 'c0re');
    expect(() => checkBeforeRestore(dir, m)).toThrow(expect.objectContaining({ evidence: `dump/core-1.img: ${m.algorithm} differs` }));
    writeFileSync(join(dir, 'dump', 'pages-1.img'), 'abcd');
    expect(() => checkBeforeRestore(dir, m)).toThrow(SeamlessError);
    rmSync(join(dir, 'dump', 'pages-1.img'));
    expect(() => checkBeforeRestore(dir, m)).toThrow(
      expect.objectContaining({ evidence: expect.stringContaining('dump/pages-1.img: missing') }),
    );
  });
  it('each digest it may choose gives its own, stable answer; the choice is one of them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'digest-'));
    writeFileSync(join(dir, 'f'), 'seamless');
    const seen = new Set<string>();
    for (const a of IMAGE_DIGESTS) {
      const d = buildManifest(dir, () => false, a).files[0]!.digest;
      expect(buildManifest(dir, () => false, a).files[0]!.digest).toBe(d);
      seen.add(d);
    }
    expect(seen.size).toBe(IMAGE_DIGESTS.length);
    const c = chooseDigest();
    expect(Object.keys(c.rates).length).toBeGreaterThan(0);
    expect(c.rates[c.algorithm]).toBe(Math.max(...Object.values(c.rates)));
  });
  it('the manifest built without holding the event loop is the same, for files above and below the read buffer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifest-async-'));
    mkdirSync(join(dir, 'dump'));
    writeFileSync(join(dir, 'dump', 'pages-1.img'), randomBytes(4 * 1024 * 1024 + 17)); // more than one read
    writeFileSync(join(dir, 'dump', 'core-1.img'), 'core');
    writeFileSync(join(dir, 'dump', 'empty.img'), '');
    writeFileSync(join(dir, 'dump', 'dump.log'), 'skipped');
    const skip = (rel: string) => rel.endsWith('.log');
    for (const a of IMAGE_DIGESTS) {
      const m = await buildManifestAsync(dir, skip, a);
      expect(m).toEqual(buildManifest(dir, skip, a));
      expect(m.files.map((f) => f.path)).toEqual(['dump/core-1.img', 'dump/empty.img', 'dump/pages-1.img']);
    }
  });
  it('a round hashed while it is written (page images read behind the writer) equals the manifest built after it', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'manifest-follow-')), 'pre-1');
    // A real writer, appending as CRIU does: the directory made late, two page images grown in
    // pieces (the second begun after the first is done), the small images and the log at the end.
    const script = `sleep 0.1; mkdir "$1"; cd "$1"
      for i in 1 2 3 4 5 6; do head -c 1500000 /dev/urandom >> pages-1.img; sleep 0.06; done
      for i in 1 2 3; do head -c 70000 /dev/urandom >> pages-2.img; sleep 0.06; done
      printf pagemap > pagemap-1.img; printf log > pre-dump.log`;
    const run = (sh: string) =>
      new Promise<void>((resolve, reject) =>
        spawn('/bin/sh', ['-c', sh, 'writer', dir], { stdio: 'ignore' }).once('exit', (c) =>
          c === 0 ? resolve() : reject(new Error(`writer ${c}`)),
        ),
      );
    const m = await buildManifestWhileWritten(dir, () => false, 'md5', run(script), 20);
    expect(m).toEqual(buildManifest(dir, () => false, 'md5'));
    expect(m.files.map((f) => f.path)).toEqual(['pagemap-1.img', 'pages-1.img', 'pages-2.img', 'pre-dump.log']);
    expect(m.files.find((f) => f.path === 'pages-1.img')!.size).toBe(9_000_000);
    // A writer that fails: so does the manifest. One that cuts a file it wrote: refused, not hashed wrong.
    rmSync(dir, { recursive: true });
    await expect(
      buildManifestWhileWritten(dir, () => false, 'md5', run('mkdir "$1"; head -c 5000 /dev/urandom > "$1/pages-1.img"; exit 3'), 20),
    ).rejects.toThrow(/writer 3/);
    rmSync(dir, { recursive: true });
    await expect(
      buildManifestWhileWritten(
        dir,
        () => false,
        'md5',
        run('mkdir "$1"; head -c 900000 /dev/urandom > "$1/pages-1.img"; sleep 0.2; truncate -s 4096 "$1/pages-1.img"'),
        20,
      ),
    ).rejects.toThrow(/pages-1.img: 900000 bytes hashed while it was written, 4096 bytes/);
  });
  it('a dump hashed while written, its end said by the caller: what is rewritten after the writer (the TCP images) is hashed as rewritten; a failed dump ends the hashing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifest-dump-'));
    const h = hashWhileWritten(dir, manifestSkip, 'md5');
    const writer = spawn('/bin/sh', [
      '-c',
      'cd "$1"; for i in 1 2 3 4; do head -c 700000 /dev/urandom >> pages-1.img; sleep 0.05; done; printf tcp > tcp-stream-1.img',
      'w',
      dir,
    ]);
    await new Promise((r) => writer.once('exit', r));
    writeFileSync(join(dir, 'tcp-stream-1.img'), 'rewritten after the writer');
    h.done(true);
    h.done(false); // only the first call counts
    const m = await h.manifest;
    expect(m).toEqual(buildManifest(dir, manifestSkip, 'md5'));
    expect(m.files.find((f) => f.path === 'pages-1.img')!.size).toBe(2_800_000);
    const failed = hashWhileWritten(mkdtempSync(join(tmpdir(), 'manifest-dump-')), manifestSkip, 'md5');
    failed.done(false);
    await expect(failed.manifest).rejects.toThrow(/did not complete/);
  });
  it('merges per-directory parts hashed with one algorithm, and refuses a mix', () => {
    const a = { algorithm: 'md5' as const, files: [{ path: 'x', size: 1, digest: 'a'.repeat(32) }], totalBytes: 1 };
    const merged = mergeManifests('md5', [prefixed('pre-1', a), prefixed('dump', a)]);
    expect(merged.files.map((f) => f.path)).toEqual(['dump/x', 'pre-1/x']);
    expect(merged.totalBytes).toBe(2);
    expect(() => mergeManifests('sha256', [a])).toThrow(/md5/);
  });
});

describe('units and names', () => {
  it('the boot hook runs on every boot while installed (it also releases holds after an interrupted upgrade), early, and never kills what it restored', () => {
    const u = bootHookUnit('/usr/bin/node', '/var/lib/seamless/upgrades/u-1/agent.cjs', ['redis-server.service']);
    expect(u).not.toMatch(/^Condition/m);
    expect(u).toContain('DefaultDependencies=no');
    expect(u).toMatch(/^Before=.*sysinit\.target.*network-pre\.target.*redis-server\.service$/m);
    // after the root filesystem and the modules, not after udevd (its start cost the lab 1.2 s)
    expect(u).toMatch(/^After=local-fs\.target systemd-modules-load\.service systemd-journald\.socket$/m);
    expect(u).toContain('KillMode=process');
    expect(u).toMatch(/^ExecStart=\/bin\/sh -c '.*' \/usr\/bin\/node \/var\/lib\/seamless\/upgrades\/u-1\/agent\.cjs$/m);
  });
  it('the boot hook’s command starts CRIU’s kernel probe (and a pmem store’s drivers) detached and runs the agent in its own place (same PID)', () => {
    // The unit's ExecStart run as systemd would (its $$ a literal $), with a criu, a modprobe and a node that say they ran.
    for (const pmem of [true, false]) {
      const dir = mkdtempSync(join(tmpdir(), 'hook-exec-'));
      try {
        for (const tool of ['criu', 'modprobe'])
          writeFileSync(join(dir, tool), `#!/bin/sh\necho "$*" > ${dir}/${tool}.ran\n`, { mode: 0o755 });
        writeFileSync(join(dir, 'node'), `#!/bin/sh\necho "$$ $*" > ${dir}/node.ran\n`, { mode: 0o755 });
        const line = /^ExecStart=\/bin\/sh -c '(.*)' (\S+) (\S+)$/m.exec(bootHookUnit(join(dir, 'node'), '/a.cjs', [], { pmem }))!;
        const r = spawnSync('/bin/sh', ['-c', `${line[1]!.replaceAll('$$', '$')}`, line[2]!, line[3]!], {
          env: { PATH: `${dir}:/usr/bin:/bin` },
          encoding: 'utf8',
        });
        expect(r.status).toBe(0);
        const [pid, ...args] = readFileSync(join(dir, 'node.ran'), 'utf8').trim().split(' ');
        expect(args).toEqual(['/a.cjs', '--restore-from-cmdline']);
        expect(Number(pid)).toBe(r.pid); // exec'd: the unit's main process is the agent
        const ran = (tool: string) => {
          for (let i = 0; i < 50 && !existsSync(join(dir, `${tool}.ran`)); i++) spawnSync('sleep', ['0.05']);
          return existsSync(join(dir, `${tool}.ran`)) ? readFileSync(join(dir, `${tool}.ran`), 'utf8').trim() : null;
        };
        expect(ran('criu')).toBe('check --feature uffd-noncoop');
        expect(ran('modprobe')).toBe(pmem ? '-q -a nd_e820 nd_pmem' : null);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });
  it('a held unit adopts the restored main PID through a root-owned PID file', () => {
    const d = holdDropIn('/usr/bin/node', '/a.cjs', 'u-1', 'redis-server.service');
    expect(d).toContain('Type=forking');
    expect(d).toContain('PIDFile=/run/seamless/hold/redis-server.service.pid');
    // `+`: outside the unit's sandbox (a seccomp filter or MemoryDenyWriteExecute would kill Node)
    expect(d).toMatch(/ExecStart=\nExecStart=\+\/usr\/bin\/node \/a.cjs --adopt u-1 redis-server.service/);
    // a refused adoption must not kill the restored process nor start a second copy
    expect(d).toMatch(/^KillMode=none$/m);
    expect(d).toMatch(/^Restart=no$/m);
  });
  it('podman-restart.service waits for the containers only when a podman container would be started by it', () => {
    const c = (runtime: 'podman' | 'docker', restartPolicy: 'always' | 'no'): WorkloadState => ({
      selector: 'container:kv',
      kind: 'container',
      name: 'kv',
      unit: null,
      rootPid: 900,
      pids: [900],
      cgroup: null,
      dir: '/store/u-1/container-kv/dump',
      preDumpDirs: [],
      criuOptions: [],
      bytesDumped: 0,
      residency: [],
      container: { runtime, id: 'c'.repeat(64), name: 'kv', restartPolicy, checkpointLink: '/x' },
    });
    expect(containerHoldUnits({ workloads: [c('podman', 'always')] })).toEqual(['podman-restart.service']);
    expect(containerHoldUnits({ workloads: [c('podman', 'no'), c('docker', 'always')] })).toEqual([]);
    const d = containerHoldDropIn('/usr/bin/node', '/a.cjs', 'u-1', 'podman-restart.service');
    // found (and released) by releaseHoldsOf, which looks for its upgrade's id in the drop-in
    expect(d).toContain('for upgrade u-1:');
    expect(d).toMatch(/^ExecStartPre=\+\/usr\/bin\/node \/a.cjs --await-containers u-1 podman-restart.service$/m);
    // its own ExecStart stays: after the wait it starts what was not restored, and leaves the rest
    expect(d).not.toMatch(/^ExecStart=/m);
  });
  it('makes ids and directory names that are safe everywhere', () => {
    const id = newUpgradeId(new Date('2026-11-26T02:29:04.123Z'), 0.5);
    expect(id).toBe('u-20261126t022904-7fff');
    expect(upgradeIdSchema.safeParse(id).success).toBe(true);
    expect(safeName('unit:redis-server.service')).toBe('unit-redis-server.service');
    expect(safeName('pid:630')).toBe('pid-630');
    expect(safeName('container:a/b c')).toBe('container-a-b-c');
  });
  it('retries a restore with safer options', () => {
    expect(saferOptions(['--manage-cgroups', '--tcp-established', '--shell-job'])).toEqual(['--shell-job', '--tcp-close']);
  });
});

describe('journal', () => {
  it('numbers records, mirrors them and summarises where the upgrade stands', () => {
    const root = mkdtempSync(join(tmpdir(), 'journal-'));
    const j = new Journal('u-test-1', join(root, 'u-test-1', 'journal.jsonl'));
    j.write(START);
    const store = mkdtempSync(join(tmpdir(), 'store-'));
    j.mirrorTo(join(store, 'journal.jsonl'));
    j.write({ phase: 'checkpoint', state: 'failed', message: 'no', error: { code: 'CRIU_DUMP_FAILED', message: 'no' } });
    j.write({
      phase: 'fallback',
      state: 'done',
      message: 'aborted',
      data: { aborted: true, cause: 'checkpoint failed', undo: ['thawed'] },
    });
    expect(j.records().map((r) => r.seq)).toEqual([1, 2, 3]);
    expect(j.records(2).map((r) => r.phase)).toEqual(['fallback']);
    expect(new Journal('u-test-1', join(store, 'journal.jsonl')).records()).toHaveLength(3);
    expect(summarize('u-test-1', j.records())).toMatchObject({ state: 'running', outcome: null });
    // a second writer (the boot hook) continues the numbering
    const again = new Journal('u-test-1', join(root, 'u-test-1', 'journal.jsonl'));
    expect(again.write(report('aborted')).seq).toBe(4);
    expect(summarize('u-test-1', again.records())).toMatchObject({ state: 'ended', outcome: 'aborted' });
    expect(listUpgrades(root).map((u) => u.id)).toEqual(['u-test-1']);
  });
  it('is not ended by a restore alone: the outcome is the report record’s', () => {
    const rs = stamped([START, kexecBegin(), restoreEnd('done')]);
    expect(summarize('u-x1', rs)).toMatchObject({ state: 'running', outcome: null });
    expect(summarize('u-x1', stamped([START, kexecBegin(), restoreEnd('done'), report('restored')]))).toMatchObject({
      state: 'ended',
      outcome: 'restored',
    });
  });
});

describe('the outcome counts what came back', () => {
  const failedOn = (selector: string): RecordInput => ({
    phase: 'restore',
    state: 'failed',
    message: 'restore failed',
    durationMs: 900,
    data: { restoredAtMs: 1, blackoutMs: 1, restored: [], failed: [selector], sameBoot: false },
    error: { code: 'CRIU_RESTORE_FAILED', message: 'restore failed' },
  });
  it('a service not restored was cold-started; any other workload not restored is lost', () => {
    expect(outcomeOf(stamped([START, kexecBegin(), failedOn('unit:redis-server.service')]))).toBe('cold-started');
    expect(outcomeOf(stamped([START, kexecBegin(), failedOn('pid:4242')]))).toBe('lost');
  });
  it('a lazily restored tree whose fill failed (stopped, memory incomplete): failed, though the restore itself succeeded', () => {
    const fill = (state: 'done' | 'failed'): RecordInput => ({
      phase: 'lazy-fill',
      state,
      message: state,
      durationMs: 700,
      data: { filled: state === 'done' ? ['pid:4242'] : [], failed: state === 'failed' ? ['pid:4242'] : [], degradedMs: null, faults: 3 },
      ...(state === 'failed' ? { error: { code: 'LAZY_FILL_FAILED', message: 'criu lazy-pages exited with 137' } } : {}),
    });
    expect(outcomeOf(stamped([START, kexecBegin(), restoreEnd('done'), fill('done')]))).toBe('restored');
    expect(outcomeOf(stamped([START, kexecBegin(), restoreEnd('done'), fill('failed')]))).toBe('failed');
  });
  it('a container not restored: cold-started when its runtime started it (its restart policy), lost when nothing did', () => {
    const coldStart = (started: boolean): RecordInput => ({
      phase: 'restore',
      state: 'info',
      message: started ? 'started cold by podman' : 'left stopped',
      data: { step: 'cold-started', selector: 'container:kv', started, rootPid: started ? 900 : null },
    });
    expect(outcomeOf(stamped([START, kexecBegin(), coldStart(true), failedOn('container:kv')]))).toBe('cold-started');
    expect(outcomeOf(stamped([START, kexecBegin(), coldStart(false), failedOn('container:kv')]))).toBe('lost');
    expect(outcomeOf(stamped([START, kexecBegin(), failedOn('container:kv')]))).toBe('lost');
  });
  it('a workload left behind after its dump failed (onDumpFailure: skip): a service starts cold, anything else is lost', () => {
    const skipped = (service: boolean): RecordInput => ({
      phase: 'checkpoint',
      state: 'info',
      message: 'skipped',
      data: { step: 'skipped', selector: service ? 'unit:a.service' : 'pid:79', rootPid: 79, service },
    });
    expect(outcomeOf(stamped([START, skipped(true), kexecBegin(), restoreEnd('done')]))).toBe('cold-started');
    expect(outcomeOf(stamped([START, skipped(false), kexecBegin(), restoreEnd('done')]))).toBe('lost');
  });

  it('an ordinary boot after a reset that restored everything on the old kernel is rolled-back; one that lost a process is lost', () => {
    const boot = (interrupted: boolean): RecordInput => ({
      phase: 'boot',
      state: 'done',
      message: 'booted',
      data: { kernelAfter: '6.1.0-47-amd64', uptimeAtHookS: 3, cmdline: 'root=/dev/vda', ...(interrupted ? { interrupted: true } : {}) },
    });
    // Reset during the restore on the new kernel: two boots, the last one ordinary.
    expect(outcomeOf(stamped([START, kexecBegin(), boot(false), boot(true), restoreEnd('done')]))).toBe('rolled-back');
    expect(outcomeOf(stamped([START, kexecBegin(), boot(false), restoreEnd('done')]))).toBe('restored');
    expect(outcomeOf(stamped([START, boot(true), failedOn('pid:4242')]))).toBe('lost');
    expect(outcomeOf(stamped([START, boot(true), failedOn('unit:a.service')]))).toBe('cold-started');
  });

  it('workloads that exited by themselves are named, not counted as lost', () => {
    const gone: RecordInput = {
      phase: 'checkpoint',
      state: 'info',
      message: 'gone',
      data: { step: 'gone', selector: 'pid:77', rootPid: 77 },
    };
    const records = stamped([START, gone, kexecBegin(), restoreEnd('done')]);
    expect(goneOf(records)).toEqual(['pid:77']);
    expect(outcomeOf(records)).toBe('restored');
  });
});
