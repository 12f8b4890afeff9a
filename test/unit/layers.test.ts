// The layer rules are only worth something if they bite: each case lints a deliberate violation
// as if it stood in that folder, through the project's real ESLint config.
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: [string, string][] = [
  ['shared/violation.ts', "import { readFileSync } from 'node:fs';"],
  ['shared/violation.ts', "import { x } from '../electron/controller/controller';"],
  ['shared/violation.ts', "import { app } from 'electron';"],
  ['electron/controller/violation.ts', "import { app } from 'electron';"],
  ['electron/server/violation.ts', "import { ipcMain } from 'electron';"],
  ['renderer/violation.ts', "import { spawn } from 'child_process';"],
  ['renderer/violation.ts', "import { WebSocketServer } from 'ws';"],
  ['renderer/features/hosts/violation.ts', "import { x } from '../../../electron/controller/controller';"],
  ['agent/violation.ts', "import { app } from 'electron';"],
  ['agent/facts/violation.ts', "import { useState } from 'react';"],
  ['agent/violation.ts', "import { App } from '../renderer/app/App';"],
  ['shared/violation.ts', "import { z } from 'zod';"],
  ['agent/rpc/violation.ts', "import { z } from 'zod';"],
];

describe('layer rules', () => {
  it.each(cases)('%s may not: %s', async (file, code) => {
    expect(await restrictedImports(file, `${code}\nexport {};\n`)).not.toEqual([]);
  });

  it.each([
    ['shared/ok.ts', "import * as z from './zod';"],
    ['agent/ok.ts', "import type * as z from 'zod/mini';"],
    ['electron/main.ts', "import { app } from 'electron';"],
    ['agent/ok.ts', "import { readFile } from 'node:fs/promises';"],
    ['renderer/ok.ts', "import { apiMethods } from '../shared/api';"],
  ])('%s may: %s', async (file, code) => {
    expect(await restrictedImports(file, `${code}\nexport {};\n`)).toEqual([]);
  });
});
