// Why: the Electron shell, kept thin: one locked-down window (context isolation, sandbox, no
// Node in the renderer, strict CSP, no navigation, no new windows), the renderer served from a
// private app:// scheme, and IPC handlers that validate and hand over to the controller.
import { app, BrowserWindow, ipcMain, protocol, session, net } from 'electron';
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_METHOD_NAMES, IPC_EVENT_CHANNEL, ipcChannelFor } from '../shared/api';
import { createController } from './controller/controller';
import { hostProviderFiles } from './controller/hosts/providedHosts';
import { dispatchApiCall } from './controller/apiDispatch';
import { APP_VERSION } from './controller/version';
import { CONTENT_SECURITY_POLICY } from './server/staticFiles';

const APP_ORIGIN = 'app://seamless';

protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

function rendererRoot(): string {
  return join(__dirname, '..', 'renderer');
}

async function createWindow(): Promise<void> {
  const controller = createController({ transport: 'ipc', version: APP_VERSION, hostProviders: hostProviderFiles() });
  const root = rendererRoot();

  protocol.handle('app', (request) => {
    const url = new URL(request.url);
    const rel = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    const full = normalize(join(root, rel));
    if (url.host !== 'seamless' || !full.startsWith(root + sep)) return new Response('Not found', { status: 404 });
    return net.fetch(pathToFileURL(full).toString());
  });

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));

  for (const method of API_METHOD_NAMES) {
    ipcMain.handle(ipcChannelFor(method), async (event, params: unknown) => {
      // Only our own page may call the controller.
      if (!event.senderFrame || !event.senderFrame.url.startsWith(`${APP_ORIGIN}/`)) {
        return { ok: false, error: { code: 'UNAUTHORIZED', message: 'IPC from an unknown frame' } };
      }
      return dispatchApiCall(controller.api, method, params);
    });
  }

  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    title: 'Seamless',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  controller.events.on('event', (e) => {
    if (!win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, e);
  });
  win.webContents.on('will-navigate', (e) => e.preventDefault());
  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  win.on('closed', () => void controller.close());
  await win.loadURL(`${APP_ORIGIN}/index.html`);
}

app.whenReady().then(createWindow, (err: unknown) => {
  process.stderr.write(`seamless: cannot start the window: ${String(err)}\n`);
  app.exit(1);
});
app.on('window-all-closed', () => app.quit());
