// Why: the application menu admins expect (File, Edit, View, Window, Help), with the app's own
// commands where they belong. A template of plain objects, so it is tested without Electron.
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuCommands {
  openPlan(): void;
  addHost(): void;
  openDocs(): void;
}

export function menuTemplate(
  opts: { appName: string; platform: NodeJS.Platform; dev: boolean },
  commands: MenuCommands,
): MenuItemConstructorOptions[] {
  const mac = opts.platform === 'darwin';
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    ...(opts.dev ? [{ role: 'toggleDevTools' } as const] : []),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(mac
      ? [
          {
            label: opts.appName,
            submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'quit' }],
          } as MenuItemConstructorOptions,
        ]
      : []),
    {
      label: '&File',
      submenu: [
        { label: 'Add Host…', accelerator: 'CmdOrCtrl+N', click: () => commands.addHost() },
        { label: 'Open Plan…', accelerator: 'CmdOrCtrl+O', click: () => commands.openPlan() },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    { label: '&View', submenu: view },
    {
      label: '&Window',
      submenu: [{ role: 'minimize' }, { role: 'zoom' }, ...(mac ? [{ role: 'front' } as const] : [{ role: 'close' } as const])],
    },
    {
      label: '&Help',
      submenu: [{ label: 'Seamless Documentation', click: () => commands.openDocs() }, ...(mac ? [] : [{ role: 'about' } as const])],
    },
  ];
}
