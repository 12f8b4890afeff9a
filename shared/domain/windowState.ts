// Why: the desktop window opens where the admin left it. Its size and place are kept in a file
// between runs (a boundary like any other), so the file is versioned and validated, and a
// place on a screen that is gone is not trusted.
import * as z from '../zod';

export const WINDOW_STATE_VERSION = 1;

export const windowStateSchema = z.object({
  version: z.literal(WINDOW_STATE_VERSION),
  x: z.optional(z.number().check(z.int())),
  y: z.optional(z.number().check(z.int())),
  width: z.number().check(z.int(), z.gte(400), z.lte(16384)),
  height: z.number().check(z.int(), z.gte(300), z.lte(16384)),
  maximized: z.boolean(),
});
export type WindowState = z.infer<typeof windowStateSchema>;

export const DEFAULT_WINDOW_STATE: WindowState = { version: WINDOW_STATE_VERSION, width: 1280, height: 800, maximized: false };

export interface Area {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The saved state, or the default when the file is missing or malformed; moved to the default place when no screen shows its title bar. */
export function restoreWindowState(raw: unknown, workAreas: readonly Area[]): WindowState {
  const parsed = windowStateSchema.safeParse(raw);
  if (!parsed.success) return DEFAULT_WINDOW_STATE;
  const s = parsed.data;
  if (s.x === undefined || s.y === undefined) return s;
  const { x, y } = s;
  // The title bar (the top 40 px of the window, at least 100 px of it) must be on some screen.
  const visible = workAreas.some(
    (a) => y >= a.y && y + 40 <= a.y + a.height && Math.min(x + s.width, a.x + a.width) - Math.max(x, a.x) >= 100,
  );
  if (visible) return s;
  const { x: _x, y: _y, ...rest } = s;
  return rest;
}
