// Why: browser mode. It serves the renderer and the controller API on 127.0.0.1 only, behind a
// random token in the path (server/routes.ts says what may reach what), so the UI can be tested
// in Chromium here and an admin can use Seamless from a jump host through an SSH tunnel.
// Everything without the token gets 401, anything malformed 400; no handler throws.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { createController, type Controller } from './controller/controller';
import { hostProviderFiles } from './controller/hosts/providedHosts';
import { distDir } from './controller/distPaths';
import { attachApiSocket } from './server/wsApi';
import { serveStatic } from './server/staticFiles';
import { newToken } from './server/token';
import { routeRequest } from './server/routes';

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

const routeOf = (req: IncomingMessage, token: string, upgrade: boolean) =>
  routeRequest({ url: req.url, host: req.headers.host, origin: req.headers.origin, upgrade }, token);

export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const token = opts.token ?? newToken();
  const rendererDir = opts.rendererDir ?? join(distDir(), 'renderer');
  const controller = createController({ transport: 'websocket', version: opts.version, hostProviders: hostProviderFiles() });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

  const text = { 'content-type': 'text/plain; charset=utf-8', 'referrer-policy': 'no-referrer' };
  const server: Server = createServer((req, res) => {
    try {
      const route = routeOf(req, token, false);
      if (route.kind === 'bad-request') return void res.writeHead(400, text).end(`Bad request: ${route.why}\n`);
      if (route.kind !== 'enter' && route.kind !== 'file')
        return void res.writeHead(401, text).end('Unauthorized: open the URL with the token that `seamless serve` printed.\n');
      if (req.method !== 'GET' && req.method !== 'HEAD') return void res.writeHead(405, text).end();
      if (route.kind === 'enter') return void res.writeHead(303, { ...text, location: route.location, 'cache-control': 'no-store' }).end();
      serveStatic(rendererDir, route.rel, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, text);
        res.end();
      });
    } catch {
      // Nothing a request carries may stop the server.
      if (!res.headersSent) res.writeHead(400, text);
      res.end();
    }
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  server.on('upgrade', (req, socket, head) => {
    let route: ReturnType<typeof routeOf>;
    try {
      route = routeOf(req, token, true);
    } catch {
      route = { kind: 'bad-request', why: 'malformed request' };
    }
    if (route.kind !== 'api') {
      const status = route.kind === 'bad-request' ? '400 Bad Request' : '401 Unauthorized';
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
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
