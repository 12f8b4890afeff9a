// Benchmark: is the workloads list fluid with 10,000 workloads? 10,000 real processes, each its
// own tree (double-forked, reparented to init), read by the real agent through the browser mode,
// shown in Debian's Chromium; then keystrokes in the filter, each timed from the input event to
// the painted result (the list shows the rows for that text, and two animation frames passed). Goal: median < 50 ms,
// p95 < 100 ms. Prints the figures; not part of `npm test`. Run: `npm run bench:ui`.
import { spawn } from 'node:child_process';
import { startServe } from '../helpers/run';
import { openBrowser } from '../e2e/fixtures/browser';

const N = Number(process.env.BENCH_WORKLOADS ?? 10_000);

async function orphans(n: number): Promise<{ pids: number[]; stop: () => void }> {
  // Each child forks a sleeper and exits: the sleeper's parent becomes init, so it is a tree of its own.
  const perl = spawn(
    'perl',
    [
      '-e',
      `$|=1; for (1..${n}) { my $p = fork; die "fork: $!" unless defined $p; if (!$p) { my $g = fork; if (!$g) { sleep 3600; exit 0 } print "$g\\n"; exit 0 } waitpid($p, 0) } print "ready\\n"; sleep 3600`,
    ],
    { detached: true, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const pids: number[] = [];
  await new Promise<void>((resolve, reject) => {
    let buf = '';
    perl.stdout.on('data', (c: Buffer) => {
      buf += c.toString();
      const lines = buf.split('\n');
      buf = lines.pop()!;
      for (const l of lines)
        if (l === 'ready') resolve();
        else if (/^\d+$/.test(l)) pids.push(Number(l));
    });
    perl.on('exit', (code) => reject(new Error(`perl exited with ${code}`)));
  });
  return { pids, stop: () => process.kill(-perl.pid!, 'SIGKILL') };
}

/**
 * In the page (as a script: this file has no DOM types): types `value` into the filter the way
 * React hears it, and resolves with the milliseconds until the list shows that text's rows and two frames painted.
 */
const keystroke = (value: string) => `(async () => {
  const input = document.querySelector('[data-testid=workloads-filter]');
  const count = document.querySelector('[data-testid=workloads-count]');
  const want = ${JSON.stringify(value)};
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const start = performance.now();
  setter.call(input, ${JSON.stringify(value)});
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise((resolve) => {
    // The list says which filter text its rows are for (data-shown-for): done when it is this one.
    if (count.dataset.shownFor === want) return resolve();
    const mo = new MutationObserver(() => { if (count.dataset.shownFor === want) { mo.disconnect(); resolve(); } });
    mo.observe(count, { attributes: true, attributeFilter: ['data-shown-for'] });
    setTimeout(() => { mo.disconnect(); resolve(); }, 5000);
  });
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  return performance.now() - start;
})()`;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

async function main(): Promise<void> {
  const t0 = Date.now();
  const sleepers = await orphans(N);
  console.log(`${sleepers.pids.length} orphaned sleepers in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const server = await startServe();
  const browser = await openBrowser();
  try {
    const { page } = browser;
    await page.goto(server.url);
    await page.getByTestId('workloads-count').waitFor({ timeout: 120_000 });
    await page.waitForFunction(
      `(() => { const m = /of (\\d+) workloads/.exec(document.querySelector('[data-testid=workloads-count]')?.textContent ?? ''); return m !== null && Number(m[1]) >= ${N}; })()`,
      undefined,
      { timeout: 180_000 },
    );
    console.log(`list shown: ${await page.getByTestId('workloads-count').textContent()}`);
    // Keystroke sequences whose every step changes what is shown: a PID typed digit by digit, then erased.
    const sequences = [0, 1, 2, 3, 4].map((i) => `pid:${sleepers.pids[Math.floor((i * sleepers.pids.length) / 5)]}`);
    const times: number[] = [];
    for (const target of sequences) {
      const steps: string[] = [];
      for (let k = 5; k <= target.length; k++) steps.push(target.slice(0, k));
      for (let k = target.length - 1; k >= 4; k--) steps.push(target.slice(0, k));
      steps.push('');
      for (const value of steps) {
        const ms = (await page.evaluate(keystroke(value))) as number;
        times.push(ms);
      }
    }
    console.log(`keystroke → painted result over ${N} workloads, ${times.length} keystrokes:`);
    console.log(
      `  median ${pct(times, 50).toFixed(1)} ms (goal < 50), p95 ${pct(times, 95).toFixed(1)} ms (goal < 100), max ${Math.max(...times).toFixed(1)} ms`,
    );
  } finally {
    await browser.close();
    await server.stop();
    sleepers.stop();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
