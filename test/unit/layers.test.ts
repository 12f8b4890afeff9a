// The layer rules are only worth something if they bite: each case lints a deliberate violation
// as if it stood in that folder, through the project's real ESLint config (the allow-lists of
// build/lint/layers.mjs).
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');
const eslint = new ESLint({ cwd: root });

async function restrictedImports(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/allowed-imports').map((m) => m.message);
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
  // Allow-lists: what no deny-list named still fails.
  ['agent/violation.ts', "import SSHConfig from 'ssh-config';"],
  ['agent/upgrade/violation.ts', "import { apiMethods } from '../../shared/api';"],
  ['agent/violation.ts', "export { apiMethods } from '../shared/api';"],
  ['agent/violation.ts', "const m = await import('left-pad');"],
  ['renderer/violation.ts', "import { agentMethods } from '../shared/protocol';"],
  ['renderer/features/run/violation.ts', "import type { AgentMethod } from '../../../shared/protocol';"],
  ['renderer/violation.ts', "import { z } from 'zod/mini';"],
  ['electron/controller/violation.ts', "import { useState } from 'react';"],
  ['electron/controller/violation.ts', "import { x } from '../main';"],
  ['electron/cli/violation.ts', "import { inject } from 'postject';"],
  ['shared/violation.ts', "import { Client } from 'ssh2';"],
  ['shared/plan/violation.ts', "import { x } from '../../test/helpers/run';"],
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
    ['renderer/features/run/ok.ts', "import { create } from 'zustand';"],
    ['agent/upgrade/ok.ts', "import { journalRecordSchema } from '../../shared/domain/journal';"],
    ['electron/controller/ok.ts', "import { Client } from 'ssh2';"],
    ['electron/preload.ts', "import { contextBridge } from 'electron';"],
    ['shared/plan/ok.ts', "import { selectorSchema } from './selector';"],
  ])('%s may: %s', async (file, code) => {
    expect(await restrictedImports(file, `${code}\nexport {};\n`)).toEqual([]);
  });
});
