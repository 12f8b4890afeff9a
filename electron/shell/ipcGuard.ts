// Why: Electron's checklist: validate the sender of every IPC message. Only the top frame of
// our own window, showing our own origin, may call the controller; an iframe, a page navigated
// elsewhere or another window gets nothing.
import { APP_ORIGIN } from './appProtocol';

/** What the guard needs of Electron's WebFrameMain (kept to these fields so it is testable). */
export interface SenderFrame {
  url: string;
  parent: unknown;
}

export function isTrustedSender(frame: SenderFrame | null | undefined): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    const u = new URL(frame.url);
    return `${u.protocol}//${u.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}
