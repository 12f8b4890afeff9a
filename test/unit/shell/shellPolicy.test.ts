// What the Electron shell decides, tested without Electron: which app:// paths it serves, which
// IPC senders it trusts, the window's security settings and remembered place, the menu, the
// end-of-upgrade notification.
import { describe, expect, it, vi } from 'vitest';
import { join } from 'node:path';
import { resolveAppPath } from '../../../electron/shell/appProtocol';
import { isTrustedSender } from '../../../electron/shell/ipcGuard';
import { mainWindowOptions } from '../../../electron/shell/windowOptions';
import { menuTemplate } from '../../../electron/shell/menu';
import { upgradeNotice } from '../../../electron/shell/upgradeNotice';
import { CONTENT_SECURITY_POLICY } from '../../../electron/server/staticFiles';
import { DEFAULT_WINDOW_STATE, restoreWindowState } from '../../../shared/domain/windowState';
import { summarize } from '../../../shared/domain/upgrade';
import type { MenuItemConstructorOptions } from 'electron';

const root = '/opt/seamless/dist/renderer';

describe('app:// serves the renderer folder and nothing else', () => {
  it('maps paths inside it', () => {
    expect(resolveAppPath('app://seamless/', root)).toBe(join(root, 'index.html'));
    expect(resolveAppPath('app://seamless/assets/index-1.js', root)).toBe(join(root, 'assets/index-1.js'));
  });
  it('refuses other hosts, escapes out of the folder and malformed escapes, without throwing', () => {
    expect(resolveAppPath('app://other/index.html', root)).toBeNull();
    expect(resolveAppPath('app://seamless/..%2F..%2Fetc%2Fpasswd', root)).toBeNull();
    expect(resolveAppPath('app://seamless/%E0%A4%A', root)).toBeNull();
    expect(resolveAppPath('app://seamless/a%00b', root)).toBeNull();
    expect(resolveAppPath('file:///etc/passwd', root)).toBeNull();
    expect(resolveAppPath('not a url', root)).toBeNull();
  });
});

describe('IPC: only the top frame of our own page is heard', () => {
  it.each([
    [{ url: 'app://seamless/index.html', parent: null }, true],
    [{ url: 'app://seamless/index.html', parent: {} }, false],
    [{ url: 'https://seamless/index.html', parent: null }, false],
    [{ url: 'app://seamless.evil/index.html', parent: null }, false],
    [{ url: 'file:///opt/seamless/index.html', parent: null }, false],
    [null, false],
  ])('%j → %s', (frame, trusted) => expect(isTrustedSender(frame)).toBe(trusted));
});

describe('the window', () => {
  it('isolates the page: context isolation, sandbox, no Node anywhere, web security on, no webview', () => {
    const o = mainWindowOptions(DEFAULT_WINDOW_STATE, '/opt/seamless/preload.cjs');
    expect(o.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      preload: '/opt/seamless/preload.cjs',
    });
    expect(o.show).toBe(false);
  });
  it('the CSP lets the page load only its own files and connect nowhere else', () => {
    for (const d of ["default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"])
      expect(CONTENT_SECURITY_POLICY).toContain(d);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
  });
  it('opens where it was left, unless no screen shows its title bar any more', () => {
    const screens = [{ x: 0, y: 0, width: 1920, height: 1080 }];
    const saved = { version: 1, x: 100, y: 50, width: 1200, height: 800, maximized: true };
    expect(restoreWindowState(saved, screens)).toEqual(saved);
    const gone = restoreWindowState({ ...saved, x: 2500 }, screens);
    expect(gone).toEqual({ version: 1, width: 1200, height: 800, maximized: true });
    expect(mainWindowOptions(gone, '/p').x).toBeUndefined();
    expect(restoreWindowState({ version: 2, width: 5 }, screens)).toEqual(DEFAULT_WINDOW_STATE);
    expect(restoreWindowState(null, screens)).toEqual(DEFAULT_WINDOW_STATE);
  });
});

describe('the application menu', () => {
  const labels = (items: MenuItemConstructorOptions[]) => items.map((i) => i.label ?? i.role);
  const sub = (items: MenuItemConstructorOptions[], label: string) =>
    items.find((i) => i.label === label)?.submenu as MenuItemConstructorOptions[];
  it('has the usual menus, the app’s commands wired, and developer tools only in development', () => {
    const commands = { openPlan: vi.fn(), addHost: vi.fn(), openDocs: vi.fn() };
    const linux = menuTemplate({ appName: 'Seamless', platform: 'linux', dev: false }, commands);
    expect(labels(linux)).toEqual(['&File', '&Edit', '&View', '&Window', '&Help']);
    const file = sub(linux, '&File');
    expect(labels(file)).toEqual(['Add Host…', 'Open Plan…', undefined, 'quit']);
    (file[1]!.click as () => void)();
    (file[0]!.click as () => void)();
    expect(commands.openPlan).toHaveBeenCalledOnce();
    expect(commands.addHost).toHaveBeenCalledOnce();
    expect(labels(sub(linux, '&Edit'))).toEqual(expect.arrayContaining(['copy', 'paste', 'selectAll', 'undo']));
    expect(labels(sub(linux, '&View'))).not.toContain('toggleDevTools');
    expect(labels(sub(menuTemplate({ appName: 'Seamless', platform: 'linux', dev: true }, commands), '&View'))).toContain('toggleDevTools');
    expect(labels(menuTemplate({ appName: 'Seamless', platform: 'darwin', dev: false }, commands))[0]).toBe('Seamless');
  });
});

describe('the notification when an upgrade ends', () => {
  const ended = (outcome: 'restored' | 'cold-started') => ({
    hostId: 'db1',
    id: 'u-1',
    summary: { ...summarize('u-1', []), state: 'ended' as const, outcome },
  });
  it('says how it ended, once per upgrade, and nothing while it runs', () => {
    const seen = new Set<string>();
    expect(upgradeNotice({ hostId: 'db1', id: 'u-1', summary: summarize('u-1', []) }, seen)).toBeNull();
    expect(upgradeNotice(ended('restored'), seen)).toEqual({
      title: 'Upgrade of db1 done',
      body: 'restored: every workload runs on the new kernel',
      urgent: false,
    });
    expect(upgradeNotice(ended('restored'), seen)).toBeNull();
    expect(upgradeNotice({ ...ended('cold-started'), id: 'u-2' }, seen)).toMatchObject({ title: 'Upgrade of db1 ended', urgent: true });
  });
});
