// A seeded, bounded fuzz of both wire protocols, in every CI run: the real agent on its JSON
// lines, and the browser mode's HTTP and WebSocket API. Thousands of malformed or hostile
// messages: no crash, no hang, a coded error for every bad request that has an id to answer,
// and the honest request after them still answered. Methods that act (an upgrade, a dry run,
// cleanup, adding or starting hosts) only ever get params that cannot validate.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadAgentBundle, AGENT_NODE_ARGS } from '../../electron/controller/agentBundle';
import { ERROR_CODES } from '../../shared/errors';
import { agentMethods, PROTOCOL_VERSION } from '../../shared/protocol';
import { API_METHOD_NAMES } from '../../shared/api';
import { fuzzer } from '../helpers/fuzz';
import { startServe } from '../helpers/run';

const SEED = Number(process.env.SEAMLESS_FUZZ_SEED ?? 20261203);
const codes = new Set<string>(ERROR_CODES);
/** Methods that would change something if their params validated: only non-objects go to them. */
const ACTING = new Set([
  'upgrade.start',
  'upgrade.dryRun',
  'upgrade.cleanup',
  'preflight.run',
  'hosts.add',
  'hosts.start',
  'hosts.stop',
  'upgrade.attach',
  'report.pdf',
  'app.openFile',
  'host.dryRun',
  'host.connect',
  'prompt.answer',
  'host.preflight',
  'plan.build',
  'plan.estimate',
  'host.files',
  'footprint.files',
  'inventory.list',
  'host.inventory',
]);

function rssKiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

describe('fuzz: the agent protocol', () => {
  it(`seed ${SEED}: thousands of bad lines and requests, one 70 MB line; the agent answers each with a code and stays small`, async () => {
    const f = fuzzer(SEED);
    const bundle = loadAgentBundle();
    const child = spawn(process.execPath, [...AGENT_NODE_ARGS, bundle.path], { stdio: ['pipe', 'pipe', 'pipe'] });
    const answers = new Map<number | null, unknown[]>();
    let buf = '';
    let bad = 0;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => {
      buf += c;
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        const m = JSON.parse(line) as { id: number | null; error?: { code: string } };
        if (m.error && !codes.has(m.error.code)) bad++;
        const list = answers.get(m.id) ?? [];
        list.push(m);
        answers.set(m.id, list);
      }
    });
    const send = (line: string) =>
      new Promise<void>((res) => (child.stdin.write(`${line}\n`) ? res() : child.stdin.once('drain', () => res())));
    const t0 = Date.now();
    await send(JSON.stringify({ id: 0, method: 'hello', params: { protocolVersion: PROTOCOL_VERSION, controller: 'fuzz' } }));
    const methods = [...Object.keys(agentMethods), 'no.such', '', 'hello', '__proto__'];
    let expectAnswers = 0;
    const N = 4000;
    for (let n = 1; n <= N; n++) {
      const k = f.int(4);
      if (k === 0) await send(f.brokenLine());
      else if (k === 1) await send(JSON.stringify(f.value()));
      else {
        const method = f.pick(methods);
        const params = ACTING.has(method) || method === 'upgrade.journal' ? f.pick([1, 'x', null, [], true]) : f.value();
        await send(JSON.stringify({ id: 100_000 + n, method, params }));
        expectAnswers++;
      }
    }
    // One line of 70 MB: dropped as it streams, never held whole.
    const chunk = 'x'.repeat(1024 * 1024);
    for (let i = 0; i < 70; i++)
      await new Promise<void>((res) => (child.stdin.write(chunk) ? res() : child.stdin.once('drain', () => res())));
    await send('');
    await send(JSON.stringify({ id: 1, method: 'host.facts', params: {} }));
    const deadline = Date.now() + 60_000;
    while (!answers.has(1) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    const answered = [...answers.keys()].filter((id) => typeof id === 'number' && id > 100_000).length;
    const peakMiB = rssKiB(child.pid!) / 1024;
    child.stdin.end();
    console.log(
      `[measure] agent fuzz (seed ${SEED}): ${N} messages + a 70 MB line in ${Date.now() - t0} ms; ${answered}/${expectAnswers} requests with an id answered; ${(answers.get(null) ?? []).length} id-less errors; peak RSS ${peakMiB.toFixed(0)} MiB`,
    );
    expect(child.exitCode).toBeNull();
    expect(answers.get(1)).toEqual([expect.objectContaining({ id: 1, result: expect.objectContaining({ hostname: expect.any(String) }) })]);
    expect(answered).toBe(expectAnswers);
    expect(bad).toBe(0);
    expect(answers.get(null)?.some((m) => JSON.stringify(m).includes('Dropped a line of 7340032'))).toBe(true);
    expect(peakMiB).toBeLessThan(150);
  }, 120_000);
});

describe('fuzz: the browser mode', () => {
  it(`seed ${SEED}: malformed HTTP requests and WebSocket messages; the server answers each and keeps serving`, async () => {
    const f = fuzzer(SEED + 1);
    const server = await startServe({
      ...process.env,
      XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'seamless-fuzz-')),
      SEAMLESS_HOST_PROVIDERS: '',
    });
    try {
      const statuses = new Map<number, number>();
      const raw = (path: string, headers: Record<string, string>, method: string) =>
        new Promise<number>((resolve) => {
          const req = request({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          });
          req.on('error', () => resolve(-1));
          req.end();
        });
      const t0 = Date.now();
      const H = 1500;
      for (let n = 0; n < H; n++) {
        const path = f
          .pick([
            `/s/${server.token}/${f.str()}`,
            `/s/${server.token}/%${f.str()}`,
            `/?token=${f.pick([server.token, f.str()])}`,
            `/${encodeURI(f.str())}`,
            `/s/${f.str()}/`,
            '/s//',
          ])
          .replace(/[\s\u0000-\u001f\u007f-\uffff"]/g, (c) => `%${(c.charCodeAt(0) & 0xff).toString(16).padStart(2, '0')}`);
        const host = f.pick([`127.0.0.1:${server.port}`, 'localhost', 'evil.example', '', `[::1]:${server.port}`]);
        const s = await raw(
          path,
          { host, cookie: `seamless_token=${encodeURIComponent(f.str())}` },
          f.pick(['GET', 'HEAD', 'POST', 'DELETE']),
        );
        statuses.set(s, (statuses.get(s) ?? 0) + 1);
      }
      const httpMs = Date.now() - t0;
      expect([...statuses.keys()].every((s) => [200, 303, 400, 401, 404, 405].includes(s))).toBe(true);

      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/s/${server.token}/api`);
      await new Promise((res, rej) => (ws.once('open', res), ws.once('error', rej)));
      const answers = new Map<number | null, { error?: { code: string } }[]>();
      ws.on('message', (m: Buffer) => {
        const msg = JSON.parse(m.toString()) as { id?: number | null; event?: string; error?: { code: string } };
        if (msg.event) return;
        const list = answers.get(msg.id ?? null) ?? [];
        list.push(msg);
        answers.set(msg.id ?? null, list);
      });
      const W = 3000;
      let withId = 0;
      const safe: string[] = API_METHOD_NAMES.filter((m) => !ACTING.has(m));
      for (let n = 1; n <= W; n++) {
        const k = f.int(5);
        if (k === 0) ws.send(f.brokenLine());
        else if (k === 1) ws.send(Buffer.from([f.int(256), f.int(256), f.int(256)]));
        else if (k === 2) ws.send(JSON.stringify(f.value()));
        else {
          const method = f.pick([...API_METHOD_NAMES, 'no.such', '__proto__']);
          const params = ACTING.has(method) ? f.pick([1, 'x', null, [], true]) : safe.includes(method) && f.r() < 0.3 ? {} : f.value();
          ws.send(JSON.stringify({ id: n, method, params }));
          withId++;
        }
      }
      ws.send(JSON.stringify({ id: 0, method: 'app.info', params: {} }));
      const deadline = Date.now() + 60_000;
      while (!answers.has(0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const answered = [...answers.keys()].filter((id) => typeof id === 'number' && id > 0).length;
      const bad = [...answers.values()].flat().filter((m) => m.error && !codes.has(m.error.code)).length;
      ws.close();
      console.log(
        `[measure] browser-mode fuzz (seed ${SEED + 1}): ${H} HTTP requests in ${httpMs} ms (statuses ${JSON.stringify(Object.fromEntries(statuses))}); ${W} WebSocket messages in ${Date.now() - t0 - httpMs} ms, ${answered}/${withId} requests answered`,
      );
      expect(answers.get(0)).toEqual([expect.objectContaining({ id: 0, result: expect.objectContaining({ transport: 'websocket' }) })]);
      expect(answered).toBe(withId);
      expect(bad).toBe(0);
      expect(await raw(`/s/${server.token}/`, { host: `127.0.0.1:${server.port}` }, 'GET')).toBe(200);
    } finally {
      await server.stop();
    }
  }, 180_000);
});
