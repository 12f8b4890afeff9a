#!/usr/bin/env node
// The `seamless` command: a thin shim over the built CLI (dist/cli.cjs, made by `npm run build`).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const built = path.join(__dirname, '..', 'dist', 'cli.cjs');
if (!fs.existsSync(built)) {
  process.stderr.write(`seamless: the CLI is not built (${built} is missing). Run: npm run build\n`);
  process.exit(2);
}
require(built)
  .runCli(process.argv.slice(2))
  .then((code) => process.exit(code));
