// Why: the Electron shell, kept thin: it makes the one window and hands every API call to the
// controller; what it decides is in small modules beside it (electron/shell/), tested without
// Electron. Electron's security checklist, item by item, and how each is met here:
//  1. Only local content: the renderer comes from the app's own files through app://seamless
//     (appProtocol.ts), never a remote URL, never file://.
//  2. No Node in the page: nodeIntegration off everywhere, contextIsolation and the sandbox on
//     (windowOptions.ts); the preload exposes one function per API method and nothing else.
//  3. A strict Content-Security-Policy on every response (the browser mode's own CSP string).
//  4. webSecurity on, no insecure content, no experimental features, no <webview> (windowOptions.ts;
//     will-attach-webview refused too).
//  5. Permission requests and checks refused (nothing here needs a camera or notifications from
//     the page: desktop notifications come from this process).
//  6. Navigation refused and new windows denied, for every web contents the app ever creates.
//  7. Every IPC message's sender checked (ipcGuard.ts: our origin, the top frame), and its payload
//     validated against the shared/ schemas (apiDispatch.ts) before the controller sees it.
//  8. No `remote` module (gone from Electron), no shell.openExternal of anything the page gives.
//  9. A current Electron (package.json), the single instance lock, secrets through safeStorage.
import { app, BrowserWindow, dialog, ipcMain, Menu, net, Notification, protocol, safeStorage, screen, session, shell } from 'electron';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { API_METHOD_NAMES, IPC_EVENT_CHANNEL, ipcChannelFor, type ApiEvent } from '../shared/api';
import { restoreWindowState, WINDOW_STATE_VERSION, type WindowState } from '../shared/domain/windowState';
import { createController } from './controller/controller';
import { hostProviderFiles } from './controller/hosts/providedHosts';
import { dispatchApiCall } from './controller/apiDispatch';
import { defaultConfigDir } from './controller/ssh/hostKeyStore';
import { APP_VERSION } from './controller/version';
import { CONTENT_SECURITY_POLICY } from './server/staticFiles';
import { APP_ORIGIN, APP_SCHEME, resolveAppPath } from './shell/appProtocol';
import { isTrustedSender } from './shell/ipcGuard';
import { menuTemplate } from './shell/menu';
import { printPdf } from './shell/printPdf';
import { createSafeStorageVault } from './shell/safeStorageVault';
import { upgradeNotice } from './shell/upgradeNotice';
import { mainWindowOptions } from './shell/windowOptions';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

// One app per user: a second launch focuses the first window and ends.
if (!app.requestSingleInstanceLock()) app.exit(0);

const configDir = defaultConfigDir();
const windowStateFile = join(configDir, 'window.json');
const rendererRoot = join(__dirname, '..', 'renderer');
let win: BrowserWindow | null = null;

function loadWindowState(): WindowState {
  let raw: unknown = null;
  try {
    raw = JSON.parse(readFileSync(windowStateFile, 'utf8'));
  } catch {
    // first run
  }
  return restoreWindowState(
    raw,
    screen.getAllDisplays().map((d) => d.workArea),
  );
}

function saveWindowState(w: BrowserWindow): void {
  const b = w.getNormalBounds();
  const state: WindowState = {
    version: WINDOW_STATE_VERSION,
    x: b.x,
    y: b.y,
    width: b.width,
    height: b.height,
    maximized: w.isMaximized(),
  };
  mkdirSync(configDir, { recursive: true, mode: 0o700 });
  writeFileSync(windowStateFile, `${JSON.stringify(state)}\n`, { mode: 0o600 });
}

function hardenEveryWebContents(): void {
  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-navigate', (e) => e.preventDefault());
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  // Exports are saved through the native Save dialog, in Documents by default.
  ses.on('will-download', (_e, item) => {
    item.setSaveDialogOptions({ title: 'Save export', defaultPath: join(app.getPath('documents'), item.getFilename()) });
  });
  protocol.handle(APP_SCHEME, (request) => {
    const file = resolveAppPath(request.url, rendererRoot);
    return file ? net.fetch(pathToFileURL(file).toString()) : new Response('Not found', { status: 404 });
  });
}

async function openFile(purpose: 'ssh-key' | 'plan' | 'fleet-dir'): Promise<string | null> {
  const opts: Electron.OpenDialogOptions =
    purpose === 'ssh-key'
      ? { title: 'Choose an SSH private key', defaultPath: join(homedir(), '.ssh'), properties: ['openFile', 'showHiddenFiles'] }
      : purpose === 'fleet-dir'
        ? { title: 'Open a folder of fetched reports', properties: ['openDirectory'] }
        : { title: 'Open a Seamless plan', properties: ['openFile'], filters: [{ name: 'Plans', extensions: ['json'] }] };
  const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
  return r.canceled ? null : (r.filePaths[0] ?? null);
}

async function start(): Promise<void> {
  hardenEveryWebContents();
  const controller = createController({
    transport: 'ipc',
    version: APP_VERSION,
    hostProviders: hostProviderFiles(),
    vault: createSafeStorageVault(safeStorage, join(configDir, 'secrets.json')),
    printPdf,
    openFile,
  });

  // Events wait until the page says it listens (app.ready), and again after every reload.
  let pageReady = false;
  let held: ApiEvent[] = [];
  const send = (e: ApiEvent) => {
    if (!win || win.isDestroyed()) return;
    if (!pageReady) held.push(e);
    else win.webContents.send(IPC_EVENT_CHANNEL, e);
  };
  const noticed = new Set<string>();
  controller.events.on('event', (e) => {
    send(e);
    if (e.event !== 'upgrade.summary' || !win || win.isFocused() || !Notification.isSupported()) return;
    const notice = upgradeNotice(e.data, noticed);
    if (!notice) return;
    const n = new Notification({ title: notice.title, body: notice.body, urgency: notice.urgent ? 'critical' : 'normal' });
    n.on('click', () => win?.show());
    n.show();
  });

  for (const method of API_METHOD_NAMES) {
    ipcMain.handle(ipcChannelFor(method), async (event, params: unknown) => {
      if (!isTrustedSender(event.senderFrame)) return { ok: false, error: { code: 'UNAUTHORIZED', message: 'IPC from an unknown frame' } };
      const out = await dispatchApiCall(controller.api, method, params);
      if (method === 'app.ready' && out.ok) {
        pageReady = true;
        const queued = held;
        held = [];
        for (const e of queued) send(e);
      }
      return out;
    });
  }

  const state = loadWindowState();
  win = new BrowserWindow(mainWindowOptions(state, join(__dirname, 'preload.cjs')));
  const w = win;
  if (state.maximized) w.maximize();
  w.once('ready-to-show', () => w.show());
  w.webContents.on('did-start-loading', () => {
    pageReady = false;
  });
  w.on('close', () => saveWindowState(w));
  w.on('closed', () => {
    win = null;
    void controller.close();
  });
  const command = (c: 'open-plan' | 'add-host') => send({ event: 'app.command', data: { command: c } });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      menuTemplate(
        { appName: 'Seamless', platform: process.platform, dev: !app.isPackaged },
        {
          openPlan: () => command('open-plan'),
          addHost: () => command('add-host'),
          openDocs: () => void shell.openPath(join(app.getAppPath(), 'README.md')),
        },
      ),
    ),
  );
  await w.loadURL(`${APP_ORIGIN}/index.html`);
}

app.on('second-instance', () => {
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.focus();
});
app.whenReady().then(start, (err: unknown) => {
  process.stderr.write(`seamless: cannot start the window: ${String(err)}\n`);
  app.exit(1);
});
app.on('window-all-closed', () => app.quit());
