#!/usr/bin/env node
// The `seamless` command of a checkout: a thin shim over the built CLI (dist/cli.cjs, made by
// `npm run build`). As a launcher it hands in the test lab as a host when this machine has one
// (`npm run lab -- up` writes its provider file); the app itself knows nothing of the lab.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const built = path.join(__dirname, '..', 'dist', 'cli.cjs');
if (!fs.existsSync(built)) {
  process.stderr.write(`seamless: the CLI is not built (${built} is missing). Run: npm run build\n`);
  process.exit(2);
}
const labProvider = path.join(process.env.SEAMLESS_LAB_DIR || '/var/cache/seamless-lab', 'host.json');
if (process.env.SEAMLESS_HOST_PROVIDERS === undefined && fs.existsSync(labProvider)) process.env.SEAMLESS_HOST_PROVIDERS = labProvider;
require(built)
  .runCli(process.argv.slice(2))
  .then((code) => process.exit(code));
