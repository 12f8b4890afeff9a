// Browser mode: the real `seamless serve`, reached over real HTTP and WebSocket.
import { request } from 'node:http';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServe } from '../helpers/run';

let server: Awaited<ReturnType<typeof startServe>>;

beforeAll(async () => {
  server = await startServe();
});
afterAll(async () => {
  await server?.stop();
});

function get(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function wsOpen(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

describe('seamless serve', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(server.url.startsWith('http://127.0.0.1:')).toBe(true);
  });

  it('answers 401 without the token, with a wrong token, and for a foreign Host', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/index.html')).status).toBe(401);
    expect((await get('/?token=wrong')).status).toBe(401);
    expect((await get('/s/wrong/')).status).toBe(401);
    expect((await get(`/?token=${server.token}`, { host: `evil.example:${server.port}` })).status).toBe(401);
  });

  it('enters the app’s own path with the token, serves it with a strict CSP, and sets no cookie', async () => {
    const enter = await get(`/?token=${server.token}`);
    expect(enter.status).toBe(303);
    expect(enter.headers.location).toBe(`/s/${server.token}/`);
    const res = await get(`/s/${server.token}/`);
    expect(res.status).toBe(200);
    expect(res.body).toContain('<div id="root">');
    expect(String(res.headers['content-security-policy'])).toContain("script-src 'self'");
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(enter.headers['set-cookie'] ?? res.headers['set-cookie']).toBeUndefined();
  });

  it('answers 400 to malformed escapes and keeps serving', async () => {
    expect((await get(`/s/${server.token}/%E0%A4%A`)).status).toBe(400);
    expect((await get(`/s/${server.token}/%`)).status).toBe(400);
    expect((await get('/%E0%A4%A', { cookie: 'seamless_token=%E0%A4%A' })).status).toBe(401);
    expect((await get(`/s/${server.token}/`)).status).toBe(200);
  });

  it('refuses the API socket without the token, or from another origin (another port, another scheme)', async () => {
    const api = `ws://127.0.0.1:${server.port}/s/${server.token}/api`;
    await expect(wsOpen(`ws://127.0.0.1:${server.port}/api`)).rejects.toThrow('HTTP 401');
    await expect(wsOpen(`ws://127.0.0.1:${server.port}/s/nope/api`)).rejects.toThrow('HTTP 401');
    await expect(wsOpen(`ws://127.0.0.1:${server.port}/api?token=${server.token}`)).rejects.toThrow('HTTP 401');
    for (const origin of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`, `https://127.0.0.1:${server.port}`])
      await expect(wsOpen(api, { origin })).rejects.toThrow('HTTP 401');
    (await wsOpen(api, { origin: `http://127.0.0.1:${server.port}` })).close();
  });

  it('answers API calls over the socket with the token, and validates them', async () => {
    const ws = await wsOpen(`ws://127.0.0.1:${server.port}/s/${server.token}/api`);
    const answers: unknown[] = [];
    const got = new Promise<void>((resolve) =>
      ws.on('message', (m: Buffer) => {
        const msg = JSON.parse(m.toString()) as { id?: number };
        if (msg.id !== undefined) answers.push(msg);
        if (answers.length === 3) resolve();
      }),
    );
    ws.send(JSON.stringify({ id: 1, method: 'host.facts', params: { hostId: 'local' } }));
    ws.send(JSON.stringify({ id: 2, method: 'host.facts', params: { hostId: 7 } }));
    ws.send('not json');
    await got;
    ws.close();
    const byId = (id: number | null) => answers.find((a) => (a as { id: number | null }).id === id);
    expect(byId(1)).toMatchObject({ result: { kernel: { release: os.release() } } });
    expect(byId(2)).toMatchObject({ error: { code: 'INVALID_PARAMS' } });
    expect(byId(null)).toMatchObject({ error: { code: 'PROTOCOL_INVALID_MESSAGE' } });
  });
});
