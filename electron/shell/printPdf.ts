// Why: in the desktop app the PDF of a report is the same HTML page the browser mode renders,
// printed by Electron's own Chromium (printToPDF) in a hidden window with scripts off: no
// second browser needed.
import { BrowserWindow } from 'electron';
import { SECURE_WEB_PREFERENCES } from './windowOptions';

export async function printPdf(html: string): Promise<Buffer> {
  const win = new BrowserWindow({ show: false, webPreferences: { ...SECURE_WEB_PREFERENCES, javascript: false } });
  try {
    await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(html)}`);
    return await win.webContents.printToPDF({
      pageSize: 'A4',
      printBackground: true,
      margins: { top: 0.47, bottom: 0.47, left: 0.39, right: 0.39 },
    });
  } finally {
    win.destroy();
  }
}
