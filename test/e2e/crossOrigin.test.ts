// The browser-mode hole of the security review, replayed in Chromium: a page served from another
// port of 127.0.0.1, visited by the admin's browser after the app, must get neither the token (no
// cookie is sent to it: there is none) nor the socket (its Origin is not the app's), even if it
// knew the token.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServe } from '../helpers/run';
import { openBrowser } from './fixtures/browser';

let server: Awaited<ReturnType<typeof startServe>>;
let browser: Awaited<ReturnType<typeof openBrowser>>;
let evil: Server;
const seenCookies: string[] = [];

beforeAll(async () => {
  server = await startServe();
  browser = await openBrowser();
  evil = createServer((req, res) => {
    seenCookies.push(req.headers.cookie ?? '');
    const target = `ws://127.0.0.1:${server.port}/s/${server.token}/api`;
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><p id="out">waiting</p><script>
      const ws = new WebSocket(${JSON.stringify(target)});
      ws.onopen = () => { ws.send(JSON.stringify({ id: 1, method: 'host.facts', params: { hostId: 'local' } })); };
      ws.onmessage = (m) => { document.getElementById('out').textContent = 'GOT ' + m.data.slice(0, 80); };
      ws.onerror = () => { document.getElementById('out').textContent = 'refused'; };
    </script>`);
  });
  await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  evil?.close();
});

describe('a page on another port of 127.0.0.1', () => {
  it('gets no token and cannot open the API socket', async () => {
    const { page } = browser;
    await page.goto(server.url);
    await page.getByTestId('select-host-local').waitFor({ timeout: 30_000 });
    await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    await page.locator('#out').filter({ hasNotText: 'waiting' }).waitFor({ timeout: 15_000 });
    expect(await page.locator('#out').textContent()).toBe('refused');
    expect(seenCookies.join(';')).not.toContain(server.token);
  });
});
