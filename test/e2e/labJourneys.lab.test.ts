// The app's, the CLI's and Ansible's journeys with the lab, on one boot of it (a boot costs a
// minute on TCG; CI's time is budgeted), the boot itself started from the app.
//
// 0. The lab as a host: the app lists it stopped and starts it from its page, showing where the
// start stands (image, boot, ready); then connects to it with the host key pinned at build time
// (no prompt) and shows its facts: the lab's own kernel, the upgrade kernel in /boot, /dev/pmem0
// and a working CRIU. The CLI sees the same. Last of all (after the journeys below), the app
// stops it again.
//
// 1. The whole upgrade from the app. The admin connects to the lab, ticks a process tree holding
// memory with a known checksum, preflights a plan (the installed 6.1.0-50 kernel, the pmem store),
// starts the upgrade, watches it live (the host goes away to boot the new kernel, the app
// re-attaches), and sees it end restored. Mid-run the page is reloaded and then the server itself
// is restarted: the app lists the host's upgrades on connect and re-attaches to the same run.
// Checked from outside: the new kernel runs, the tree has its PIDs, its memory is intact and its
// counter went on.
//
// 2. Then, from that kernel back to the lab's first one, through the CLI: `seamless plan` then
// `seamless upgrade` with a second tree, and the SSH link is killed in every phase before the jump
// (prepare, stage, pre-dump, the checkpoint; the kexec itself is the last cut). The upgrade runs on
// the host by itself and completes; the CLI reconnects each time, re-attaches to the journal,
// follows it across the kexec and exits 0 because the workload runs on the other kernel with its
// PIDs. (The restore runs before sshd starts on the new boot: no link to cut there.) Its report,
// exported by the CLI, puts the promise beside what was measured.
//
// 3. Then a fleet of one, the way fleets are rolled: a plan template (a service by its short name,
// "the newest installed kernel", a health check) exported as an Ansible playbook, run by Debian's
// own ansible-playbook over real SSH (the lab's pinned host key): the agent copied and checked, the
// template resolved on the host, preflight, the upgrade across the kexec, the run awaited, the
// health check, the report fetched to the control node; `seamless fleet report` merges it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labDown, labExec, labStatus, LAB_KERNELS } from '../lab/lab.js';
import { runSeamless, seamlessBin, startServe } from '../helpers/run';
import { reportSchema, type Report } from '../../shared/report/model';
import { milestone, openBrowser, seriousA11yViolations } from './fixtures/browser';

let server: Awaited<ReturnType<typeof startServe>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let keeper: number;
let child: number;
/** The workload the app lists the tree as: started over SSH, it lives in that login's session scope. */
let selector: string;

async function guest(cmd: string): Promise<string> {
  const r = await labExec(cmd, { timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`guest: ${cmd} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

interface MemloadReport {
  pid: number;
  counter: number;
  ok: boolean;
}
const status = async (pid: number) => JSON.parse(await guest(`lab-memload-status ${pid}`)) as MemloadReport;

/** Errors thrown in the page while the lab is started, connected and stopped (the host's journey). */
const pageErrors: string[] = [];
let watchErrors = true;

beforeAll(async () => {
  // The app starts it: a lab left running by an earlier test would prove nothing.
  await labDown({ log: (l) => console.log(`[lab] ${l}`) });
  server = await startServe();
  browser = await openBrowser();
  browser.page.on('pageerror', (e) => {
    if (watchErrors) pageErrors.push(e.message);
    else console.log(`[page error during the upgrade journeys] ${e.message}`);
  });
}, 20 * 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await labDown();
}, 5 * 60_000);

type Page = Awaited<ReturnType<typeof openBrowser>>['page'];
const shownRun = async (page: Page) =>
  (
    await page
      .getByTestId('upgrade-run')
      .locator('p.mono')
      .textContent({ timeout: 1000 })
      .catch(() => null)
  )?.replace('upgrade ', '') ?? null;

/** Selects the lab and connects; while the host reboots a connect can fail, so it is pressed again until the session is ready. */
async function reconnect(page: Page): Promise<void> {
  await page.getByTestId('select-host-lab').click();
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const state = await page
      .getByTestId('session-state-lab')
      .textContent({ timeout: 1000 })
      .catch(() => null);
    if (state === 'ready') return;
    const button = page.getByTestId('connect-lab');
    if ((await button.count()) > 0 && (await button.isEnabled())) await button.click();
    if (Date.now() > deadline) throw new Error(`the lab did not reconnect in 15 min (session: ${state})`);
    await page.waitForTimeout(2000);
  }
}

describe('the lab as a host', () => {
  it('the app lists the lab stopped and starts it, showing image, boot and ready', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await page.getByTestId('select-host-lab').click();
    expect(await page.getByTestId('session-state-lab').textContent()).toBe('stopped');
    expect(await page.getByTestId('provided-state-lab').textContent()).toContain('stopped');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await milestone(page, 'lab-stopped');
    await page.getByTestId('start-lab').click();
    // The boot stage is reached (the image was built or found), with the elapsed time and the lab's own words.
    await page.locator('[data-testid="control-progress-lab"] li.current[data-stage="boot"]').waitFor({ timeout: 20 * 60_000 });
    expect(await page.locator('[data-testid="control-progress-lab"] li.done').allTextContents()).toEqual(['Image']);
    expect(await page.getByTestId('control-progress-lab').locator('p').textContent()).toMatch(/^\d+ s — /);
    await milestone(page, 'lab-starting');
    await page.getByTestId('stop-lab').waitFor({ timeout: 10 * 60_000 });
    expect(await page.getByTestId('provided-state-lab').textContent()).toContain('running');
    expect((await labStatus()).running).toBe(true);
    await milestone(page, 'lab-started');
  });

  it('`seamless facts --host lab` reads the VM through SSH and the real agent', async () => {
    const r = await runSeamless(['facts', '--host', 'lab', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const facts = JSON.parse(r.stdout) as {
      hostname: string;
      kernel: { release: string };
      bootKernels: { version: string }[];
      pmem: { devices: { name: string }[] };
      criu: { checkPassed: boolean | null };
    };
    expect(facts.hostname).toBe('seamless-lab');
    expect(facts.kernel.release).toBe((await labStatus()).kernel);
    expect(facts.bootKernels.map((k) => k.version)).toContain(LAB_KERNELS.target);
    expect(facts.pmem.devices.map((d) => d.name)).toContain('pmem0');
    expect(facts.criu.checkPassed).toBe(true);
  });

  it('the app shows the lab connected, with its facts', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await page.getByTestId('select-host-lab').click();
    await page.getByTestId('connect-lab').click();
    await page.getByTestId('facts-kernel-release').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('facts-kernel-release').textContent()).toBe(LAB_KERNELS.boot);
    expect(await page.getByTestId('session-state-lab').textContent()).toBe('ready');
    expect(await page.getByTestId('facts-pmem').textContent()).toContain('/dev/pmem0');
    await page.getByTestId('workloads').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('workload-unit:redis-server.service').count()).toBe(1);
    await milestone(page, 'lab-connected');
    expect(pageErrors).toEqual([]);
    watchErrors = false;
  });
});

describe('journey: upgrade the lab from the app', () => {
  it('plans, preflights, upgrades live across the kexec, and the workload survives', async () => {
    keeper = Number(await guest('lab-memload-tree 64M'));
    child = Number(await guest(`cat /proc/${keeper}/task/${keeper}/children`));
    const session = /session-([^/]+)\.scope/.exec(await guest(`cat /proc/${keeper}/cgroup`))?.[1];
    selector = session ? `session:${session}` : `pid:${keeper}`;
    const before = await status(child);
    expect(before.ok).toBe(true);
    const { page } = browser;
    await page.goto(server.url);
    await reconnect(page);
    const row = page.getByTestId(`workload-${selector}`);
    await row.waitFor({ timeout: 120_000 });
    await row.getByRole('checkbox').check();
    expect(await page.getByTestId('plan-kernel').inputValue()).toBe(`/boot/vmlinuz-${LAB_KERNELS.target}`);
    expect(await page.getByTestId('plan-store').inputValue()).toBe('/dev/pmem0');
    await page.getByTestId('run-preflight').click();
    await page.getByTestId('preflight-result').waitFor({ timeout: 120_000 });
    await milestone(page, 'lab-upgrade-preflight');
    expect(await page.getByTestId('preflight-verdict').textContent()).toContain('can start');

    await page.getByTestId('upgrade-start').click();
    // The confirmation names both kernels and asks for the host's name before it lets go.
    expect(await page.getByTestId('upgrade-confirm').isDisabled()).toBe(true);
    expect(await page.getByRole('group', { name: 'Confirm the upgrade' }).textContent()).toContain(LAB_KERNELS.target);
    await page.getByTestId('upgrade-confirm-host').fill('lab');
    await page.getByTestId('upgrade-confirm').click();
    await page.getByTestId('upgrade-run').waitFor({ timeout: 180_000 });
    const runId = (await page.getByTestId('upgrade-run').locator('p.mono').textContent())?.replace('upgrade ', '');
    expect(runId).toMatch(/^u-/);

    // A reload mid-run: the page has nothing; on connect it lists the host's upgrades and re-attaches.
    await page.reload();
    await reconnect(page);
    await expect.poll(() => shownRun(page), { timeout: 120_000 }).toBe(runId);
    await milestone(page, 'lab-upgrade-reattached');
    await page.getByTestId('upgrade-rebooting').waitFor({ timeout: 600_000 });
    await milestone(page, 'lab-upgrade-rebooting');

    // The server restarted while the host boots the new kernel (a new token, a new controller): the same, from nothing.
    await server.stop();
    server = await startServe();
    await page.goto(server.url);
    await reconnect(page);
    await expect.poll(() => shownRun(page), { timeout: 900_000 }).toBe(runId);
    await page.getByTestId('record-report-done').waitFor({ timeout: 900_000 });
    await milestone(page, 'lab-upgrade-done');
    // Every record once, in order, though it reached this page over two re-attaches.
    const seqs = await page.locator('[data-testid^="record-"]').count();
    expect(seqs).toBeGreaterThan(5);
    expect(await page.getByTestId('record-report-done').count()).toBe(1);
    expect(await page.getByTestId('upgrade-state').textContent()).toBe('restored');
    // The promise journaled with the start, beside what each phase took, on the run itself.
    expect(await page.getByTestId('run-estimate').textContent()).toMatch(/Blackout.*\d/);
    // The report: what was promised at the start beside what was measured, ready to export.
    await page.getByTestId('report-load').click();
    await page.getByTestId('report').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('report-blackout').textContent()).toMatch(/promised \d.* – .*measured \d/);
    const download = page.waitForEvent('download');
    await page.getByTestId('export-html').click();
    expect((await download).suggestedFilename()).toBe(`seamless-report-${runId}.html`);
    await milestone(page, 'lab-upgrade-report');
    // The app reads the host again: it now runs the new kernel.
    await expect.poll(() => page.getByTestId('facts-kernel-release').textContent(), { timeout: 60_000 }).toBe(LAB_KERNELS.target);

    expect(await guest('uname -r')).toBe(LAB_KERNELS.target);
    expect(Number(await guest(`cat /proc/${keeper}/task/${keeper}/children`))).toBe(child);
    const after = await status(child);
    expect(after.ok).toBe(true);
    expect(after.counter).toBeGreaterThan(before.counter);
  });
});

/** The phases before the jump that last long enough on the lab (≥ 1 s) for a cut to land in each (pre-sync: 60 ms). */
const CUT_PHASES = ['prepare', 'stage', 'pre-dump', 'checkpoint'];

describe('seamless upgrade (CLI), back to the first kernel, survives the SSH link dying in every phase', () => {
  it('re-attaches and exits 0 with the workload on the other kernel', async () => {
    // runs on the kernel the journey above upgraded to (it fails first if that did not happen)
    expect(await guest('uname -r')).toBe(LAB_KERNELS.target);
    const keeper = Number(await guest('lab-memload-tree 64M'));
    const child = Number(await guest(`cat /proc/${keeper}/task/${keeper}/children`));
    const planFile = join(mkdtempSync(join(tmpdir(), 'seamless-lab-plan-')), 'plan.json');
    const made = await runSeamless(['plan', '--host', 'lab', '--select', `pid:${keeper}`, '--kernel', LAB_KERNELS.boot, '--out', planFile]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);

    const cli = spawn(process.execPath, [seamlessBin, 'upgrade', '--plan', planFile, '--json']);
    let out = '';
    let consumed = 0;
    let watching: Promise<unknown> | null = null;
    cli.stderr.on('data', (c: Buffer) => process.stderr.write(c));
    cli.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const complete = out.split('\n').slice(0, -1);
      for (const line of complete.slice(consumed)) {
        if (!line.startsWith('{')) continue;
        const e = JSON.parse(line) as { event: string; id?: string };
        if (!watching && e.event === 'started' && e.id) {
          // In the guest: as each phase becomes the journal's latest, cut every root SSH session
          // (the CLI's included), and note the cut. (`^`: not this watcher, whose own command line names it.)
          const j = `/var/lib/seamless/upgrades/${e.id}/journal.jsonl`;
          watching = labExec(
            `rm -f /var/lib/lab-cuts; nohup setsid sh -c 'for p in ${CUT_PHASES.join(' ')}; do for i in $(seq 6000); do tail -n 1 ${j} | grep -q "^{\\"phase\\":\\"$p\\"" && { echo $p >> /var/lib/lab-cuts; pkill -KILL -f "^sshd: root@notty"; break; }; sleep 0.02; done; done' >/dev/null 2>&1 < /dev/null &`,
            { timeoutMs: 30_000 },
          ).catch(() => undefined);
        }
      }
      consumed = complete.length;
    });
    const code = await new Promise<number | null>((resolve) => cli.on('close', resolve));
    const lines = out
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    const last = JSON.parse(lines.at(-1)!) as { event: string; id: string; outcome: string; summary: { state: string } };
    expect(watching).not.toBeNull();
    expect(last).toMatchObject({ event: 'summary', outcome: 'restored', summary: { state: 'ended', outcome: 'restored' } });
    expect(code).toBe(0);
    expect(await guest('uname -r')).toBe(LAB_KERNELS.boot);
    expect(Number(await guest(`cat /proc/${keeper}/task/${keeper}/children`))).toBe(child);
    // Every cut landed in its phase (the jump's sync kept the guest's note of them).
    expect((await guest('cat /var/lib/lab-cuts')).split('\n')).toEqual(CUT_PHASES);
    expect(JSON.parse(await guest(`lab-memload-status ${child}`))).toMatchObject({ ok: true });

    // The report of that very upgrade: the promise journaled at the start beside what was measured.
    const upgradeId = last.id;
    const dir = mkdtempSync(join(tmpdir(), 'seamless-lab-report-'));
    const asJson = await runSeamless(['report', '--host', 'lab', '--id', upgradeId, '--format', 'json', '--out', join(dir, 'r.json')]);
    expect(asJson.stderr).toBe('');
    expect(asJson.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as Report;
    console.log(`report of ${upgradeId}: ${JSON.stringify({ blackout: report.blackout, phases: report.phases }, null, 2)}`);
    expect(report).toMatchObject({ upgradeId, outcome: 'restored', kernels: { before: LAB_KERNELS.target, after: LAB_KERNELS.boot } });
    expect(report.blackout.estimate).not.toBeNull();
    expect(report.blackout.measuredMs).toBeGreaterThan(0);
    const phase = (p: string) => report.phases.find((x) => x.phase === p)!;
    for (const p of ['freeze-dump', 'kexec-jump', 'kernel-boot', 'userspace-to-hook', 'image-check', 'restore'])
      expect({ p, measured: phase(p).measuredMs !== null, promised: phase(p).estimate !== null }).toEqual({
        p,
        measured: true,
        promised: true,
      });
    expect(report.workloads).toEqual([
      expect.objectContaining({ selector: `pid:${keeper}`, after: expect.objectContaining({ restored: true }) }),
    ]);
    const asMd = await runSeamless(['report', '--host', 'lab', '--format', 'md', '--out', join(dir, 'r.md')]);
    expect(asMd.code).toBe(0);
    expect(readFileSync(join(dir, 'r.md'), 'utf8')).toContain(`# Kernel upgrade ${upgradeId}`);
  });
});

describe('a fleet of one: the exported Ansible playbook upgrades the lab', () => {
  it('ansible-playbook runs the template on the lab: upgraded, the service carried, the health check run, the report fetched and merged', async () => {
    // runs on the kernel the CLI journey went back to
    expect(await guest('uname -r')).toBe(LAB_KERNELS.boot);
    const unit = 'lab-memload@32M.service';
    await guest(`systemctl start ${unit}`);
    const pid = Number(await guest(`systemctl show -p MainPID --value ${unit}`));
    const before = await status(pid);
    expect(before.ok).toBe(true);

    const dir = mkdtempSync(join(tmpdir(), 'seamless-lab-ansible-'));
    const template = join(dir, 'template.json');
    const made = await runSeamless([
      'plan',
      '--template',
      '--select',
      'unit:lab-memload@32M', // the short name: resolved on the host
      '--kernel',
      'newest',
      '--health',
      `memload=systemctl is-active ${unit}`,
      '--out',
      template,
    ]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const lab = await labStatus();
    const inventory = join(dir, 'inventory.ini');
    writeFileSync(
      inventory,
      `lab ansible_host=127.0.0.1 ansible_port=${lab.port} ansible_user=root ansible_ssh_private_key_file=${lab.keyPath} ansible_ssh_common_args='-o UserKnownHostsFile=${lab.knownHostsPath} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes'\n`,
    );
    const out = join(dir, 'rollout');
    const exported = await runSeamless(['export', 'ansible', '--plan', template, '--out', out, '--inventory', inventory]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);

    const play = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn('ansible-playbook', ['site.yml', '-e', 'seamless_status_delay=5'], {
        cwd: out,
        env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '0' },
      });
      let text = '';
      const take = (c: Buffer) => {
        text += c.toString();
        process.stdout.write(c);
      };
      child.stdout.on('data', take);
      child.stderr.on('data', take);
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out: text }));
    });
    expect(play.code, play.out.slice(-3000)).toBe(0);
    expect(play.out).toMatch(/lab\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0/);

    // On the host: the newest kernel runs, the service is the same process, whole, its counter going on.
    expect(await guest('uname -r')).toBe(LAB_KERNELS.target);
    expect(Number(await guest(`systemctl show -p MainPID --value ${unit}`))).toBe(pid);
    expect(await guest(`systemctl show -p NRestarts --value ${unit}`)).toBe('0');
    const after = await status(pid);
    expect(after.ok).toBe(true);
    expect(after.counter).toBeGreaterThan(before.counter);

    // On the control node: the report, valid, of this upgrade; and the fleet report of it.
    const report = reportSchema.parse(JSON.parse(readFileSync(join(out, 'reports/lab/report.json'), 'utf8')));
    expect(report).toMatchObject({ outcome: 'restored', kernels: { before: LAB_KERNELS.boot, after: LAB_KERNELS.target } });
    expect(report.workloads).toEqual([
      expect.objectContaining({ selector: `unit:${unit}`, after: expect.objectContaining({ restored: true }) }),
    ]);
    const fleet = await runSeamless(['fleet', 'report', join(out, 'reports')]);
    expect(fleet.stderr).toBe('');
    expect(fleet.code).toBe(0);
    const md = readFileSync(join(out, 'reports/fleet-report.md'), 'utf8');
    expect(md).toContain('lab');
    expect(md).toContain(LAB_KERNELS.target);
    expect(md).toMatch(/restored/);
    console.log(fleet.stdout);
  });
});

describe('the lab as a host, last', () => {
  it('the app stops the lab: the session ends, QEMU is gone, the host is listed stopped', async () => {
    const { page } = browser;
    watchErrors = true;
    await page.goto(server.url);
    await page.getByTestId('select-host-lab').click();
    await page.getByTestId('stop-lab').click();
    await page.getByTestId('start-lab').waitFor({ timeout: 5 * 60_000 });
    expect(await page.getByTestId('provided-state-lab').textContent()).toContain('stopped');
    expect(await page.getByTestId('session-state-lab').textContent()).toBe('stopped');
    expect((await labStatus()).running).toBe(false);
    await milestone(page, 'lab-stopped-again');
    expect(pageErrors).toEqual([]);
  });
});
