// Why: the one window's options in one place, so the security settings are visible and tested:
// context isolation, the sandbox, no Node in the page, web security on, no webview tags, no
// spellchecker fetching dictionaries; the size and place the admin left it in.
import type { BrowserWindowConstructorOptions } from 'electron';
import type { WindowState } from '../../shared/domain/windowState';

export const SECURE_WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  experimentalFeatures: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const;

export function mainWindowOptions(state: WindowState, preload: string): BrowserWindowConstructorOptions {
  return {
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: 960,
    minHeight: 600,
    title: 'Seamless',
    show: false, // shown when the page is ready: no white flash
    backgroundColor: '#f4f6f9',
    webPreferences: { ...SECURE_WEB_PREFERENCES, preload },
  };
}
