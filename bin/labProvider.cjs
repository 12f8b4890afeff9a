// The test lab as a host for the app, handed in by the launchers of a checkout (bin/seamless.cjs,
// build/start.ts); a packaged app has no lab. The lab's provider file says whether it runs and
// how the app starts and stops it. On a machine that can build the lab but never did, the
// launcher of the app asks the lab to write that file first, so a fresh checkout lists it.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const checkout = path.join(__dirname, '..');

function controlCwd(text) {
  try {
    return JSON.parse(text).control.cwd;
  } catch {
    return null;
  }
}

/** The lab's provider file, or null when this machine has none (and, for the app, cannot make one). */
function labProvider({ forApp }) {
  const file = path.join(process.env.SEAMLESS_LAB_DIR || '/var/cache/seamless-lab', 'host.json');
  let current = null;
  try {
    current = fs.readFileSync(file, 'utf8');
  } catch {
    // never written
  }
  // Written by an older checkout (no `control`) or another one (its commands are not ours):
  // made again for this checkout, as a missing one is made.
  const cli = path.join(checkout, 'test', 'lab', 'cli.ts');
  const tsx = path.join(checkout, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  if (forApp && controlCwd(current) !== checkout && fs.existsSync(cli) && fs.existsSync(tsx)) {
    const r = spawnSync(process.execPath, [tsx, cli, 'provider'], { cwd: checkout, encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0 && r.stderr) process.stderr.write(r.stderr);
  }
  return fs.existsSync(file) ? file : null;
}

/** Sets SEAMLESS_HOST_PROVIDERS to the lab's file unless the caller set it (even to nothing). */
function handInLab({ forApp }) {
  if (process.env.SEAMLESS_HOST_PROVIDERS !== undefined) return;
  const file = labProvider({ forApp });
  if (file) process.env.SEAMLESS_HOST_PROVIDERS = file;
}

module.exports = { handInLab };
