// Why: the commands around CRIU's network lock (see networkLock.ts for why each is needed):
// save it with the images, load it again on the new boot before the network is up, borrow the
// connections' addresses and routes on lo while CRIU restores the sockets, and remove rules a
// closed or failed restore left behind. The parsing stays pure in networkLock.ts.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { sh } from '../exec/sh';
import { readText } from '../fs/readOptional';
import { writeDurable } from '../upgrade/state';
import { leftoverLockRules, lockedAddresses } from './networkLock';

export interface SavedLock {
  v4: string | null;
  v6: string | null;
}

/** Saves the lock rules CRIU's dump left in place (iptables-save, ip6tables-save) into `dir`. */
export async function saveNetworkLock(dir: string): Promise<SavedLock> {
  mkdirSync(dir, { recursive: true });
  const v4 = await sh('iptables-save', []);
  const v6 = await sh('ip6tables-save', []);
  const lock: SavedLock = { v4: null, v6: null };
  if (v4.code === 0) writeDurable((lock.v4 = join(dir, 'iptables.rules')), v4.stdout);
  if (v6.code === 0) writeDurable((lock.v6 = join(dir, 'ip6tables.rules')), v6.stdout);
  return lock;
}

/** Loads the saved network lock (CRIU's iptables rules) into the kernel again. */
export async function loadNetworkLock(lock: SavedLock): Promise<{ tool: string; code: number; stderr: string }[]> {
  const results: { tool: string; code: number; stderr: string }[] = [];
  for (const [tool, file] of [
    ['iptables-restore', lock.v4],
    ['ip6tables-restore', lock.v6],
  ] as const) {
    if (!file) continue;
    const r = await sh(tool, [], { input: readText(file) });
    results.push({ tool, code: r.code, stderr: r.stderr.slice(0, 500) });
  }
  return results;
}

/**
 * CRIU's repair-mode connect() needs the socket's own address to be local and a route to its
 * peer, and this boot's network is not up yet: each locked local address and a host route to
 * each peer go on lo for the restore, and come off right after it. The sockets find the real
 * interface and route once the network is configured (the lock keeps their peers out until
 * CRIU lifts it).
 */
export async function borrowAddressesOnLoopback(lock: SavedLock): Promise<{
  added: string[];
  errors: string[];
  undo: () => Promise<void>;
}> {
  const added: string[][] = [];
  const errors: string[] = [];
  const run = async (args: string[]) => {
    const r = await sh('ip', args);
    if (r.code === 0) added.push(args);
    else errors.push(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
  };
  for (const [family, file, bits] of [
    ['-4', lock.v4, 32],
    ['-6', lock.v6, 128],
  ] as const) {
    if (!file) continue;
    const { peers, locals } = lockedAddresses(readText(file));
    for (const local of locals) await run([family, 'addr', 'add', `${local}/${bits}`, 'dev', 'lo', ...(family === '-6' ? ['nodad'] : [])]);
    for (const peer of peers) await run([family, 'route', 'add', `${peer}/${bits}`, 'dev', 'lo']);
  }
  return {
    added: added.map((a) => `ip ${a.join(' ')}`),
    errors,
    undo: async () => {
      for (const a of [...added].reverse()) {
        const del = a.map((x) => (x === 'add' ? 'del' : x)).filter((x) => x !== 'nodad');
        await sh('ip', del);
      }
    },
  };
}

/** A socket restored closed (the safer retry) or not at all leaves CRIU's lock behind: remove it. */
export async function removeLeftoverLocks(): Promise<string[]> {
  const removed: string[] = [];
  for (const [save, tool] of [
    ['iptables-save', 'iptables'],
    ['ip6tables-save', 'ip6tables'],
  ] as const) {
    const saved = await sh(save, ['-t', 'filter']);
    if (saved.code !== 0) continue;
    for (const args of leftoverLockRules(saved.stdout)) {
      if ((await sh(tool, ['-w', ...args])).code === 0) removed.push(`${tool} ${args.join(' ')}`);
    }
  }
  return removed;
}
