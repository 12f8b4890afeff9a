#!/usr/bin/env node
// The `seamless` command of a checkout: a thin shim over the built CLI (dist/cli.cjs, made by
// `npm run build`). As a launcher it hands in the test lab as a host (bin/labProvider.cjs); the
// app itself knows nothing of the lab.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const built = path.join(__dirname, '..', 'dist', 'cli.cjs');
if (!fs.existsSync(built)) {
  process.stderr.write(`seamless: the CLI is not built (${built} is missing). Run: npm run build\n`);
  process.exit(2);
}
const args = process.argv.slice(2);
require('./labProvider.cjs').handInLab({ forApp: args[0] === 'serve' });
require(built)
  .runCli(args)
  .then((code) => process.exit(code));
