// Why: browser mode. It serves the renderer and the controller API on 127.0.0.1 only, behind a
// random token, so the UI can be tested in Chromium here and an admin can use Seamless from a
// jump host through an SSH tunnel. Everything without the token gets 401.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { createController, type Controller } from './controller/controller';
import { hostProviderFiles } from './controller/hosts/providedHosts';
import { distDir } from './controller/distPaths';
import { attachApiSocket } from './server/wsApi';
import { serveStatic } from './server/staticFiles';
import { hostHeaderIsLoopback, newToken, requestToken, tokenMatches, TOKEN_COOKIE } from './server/token';

export interface ServeOptions {
  port?: number;
  token?: string;
  version: string;
  rendererDir?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  token: string;
  controller: Controller;
  close(): Promise<void>;
}

export const API_PATH = '/api';

function authorised(req: IncomingMessage, token: string): { ok: boolean; url: URL } {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const ok = hostHeaderIsLoopback(req.headers.host) && tokenMatches(token, requestToken(req, url));
  return { ok, url };
}

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const rendererDir = opts.rendererDir ?? join(distDir(), 'renderer');
  const controller = createController({ transport: 'websocket', version: opts.version, hostProviders: hostProviderFiles() });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  const server: Server = createServer((req, res) => {
    const { ok, url } = authorised(req, token);
    if (!ok) {
      res
        .writeHead(401, { 'content-type': 'text/plain; charset=utf-8' })
        .end('Unauthorized: open the URL with the token that `seamless serve` printed.\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    // The first load carries ?token=; a strict, HttpOnly cookie carries it for assets and the socket.
    const cookie = `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
    void serveStatic(rendererDir, url.pathname, res, { 'set-cookie': cookie });
  });

  server.on('upgrade', (req, socket, head) => {
    const { ok, url } = authorised(req, token);
    const origin = req.headers.origin;
    const sameOrigin = origin === undefined || hostHeaderIsLoopback(origin.replace(/^https?:\/\//, ''));
    if (!ok || url.pathname !== API_PATH || !sameOrigin) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachApiSocket(ws, controller));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    controller,
    async close() {
      for (const client of wss.clients) client.terminate();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await controller.close();
    },
  };
}
