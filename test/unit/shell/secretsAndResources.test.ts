// Remembered passphrases go through the OS keyring or not at all; the packaged app finds the agent
// files with the same resolver as a checkout; the packages' configuration and `npm run dist`'s
// refusal to download Electron.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { createSafeStorageVault, type Encryptor } from '../../../electron/shell/safeStorageVault';
import { createUiPrompter } from '../../../electron/controller/uiPrompter';
import { agentDir, distDir } from '../../../electron/controller/distPaths';
import { builderConfig } from '../../../build/electronBuilder';
import { electronSource } from '../../../build/dist';
import type { ApiEvent } from '../../../shared/api';
import { projectRoot } from '../../helpers/run';

const dir = mkdtempSync(join(tmpdir(), 'seamless-shell-'));
/** A stand-in keyring: reversible, and never the plain text. */
const keyring = (backend: string, available = true): Encryptor => ({
  isEncryptionAvailable: () => available,
  getSelectedStorageBackend: () => backend,
  encryptString: (s) => Buffer.from([...Buffer.from(s)].map((b) => b ^ 0x5a)),
  decryptString: (b) => Buffer.from([...b].map((x) => x ^ 0x5a)).toString(),
});

describe('remembered passphrases', () => {
  it('with a keyring: kept encrypted in a file only the user reads, recalled, forgotten', () => {
    const file = join(dir, 'a', 'secrets.json');
    const vault = createSafeStorageVault(keyring('gnome_libsecret'), file, 'linux');
    expect(vault.unavailable).toBeNull();
    vault.remember('passphrase:/k', 'correct horse');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain('correct horse');
    expect(vault.recall('passphrase:/k')).toBe('correct horse');
    vault.forget('passphrase:/k');
    expect(vault.recall('passphrase:/k')).toBeNull();
  });
  it('without a keyring (Linux basic_text, or none): says so and writes nothing', () => {
    for (const enc of [keyring('basic_text'), keyring('unknown', false)]) {
      const file = join(dir, `none-${Math.random()}.json`);
      const vault = createSafeStorageVault(enc, file, 'linux');
      expect(vault.unavailable).toMatch(/cannot remember passphrases/);
      vault.remember('passphrase:/k', 'secret');
      expect(existsSync(file)).toBe(false);
      expect(vault.recall('passphrase:/k')).toBeNull();
    }
  });
  it('the prompt offers to remember only where it can; a remembered passphrase is not asked again until it fails', async () => {
    const events = new EventEmitter<{ event: [ApiEvent] }>();
    const asked: Extract<ApiEvent, { event: 'prompt' }>['data'][] = [];
    const vault = createSafeStorageVault(keyring('kwallet5'), join(dir, 'p.json'), 'linux');
    const ui = createUiPrompter(events, vault);
    let answering = ui;
    events.on('event', (e) => {
      if (e.event === 'prompt') {
        asked.push(e.data);
        answering.answer(e.data.promptId, 'pw', true);
      }
    });
    expect(await ui.passphrase('db1', '/home/me/.ssh/id')).toBe('pw');
    expect(asked[0]?.remember).toEqual({ possible: true });
    expect(await ui.passphrase('db1', '/home/me/.ssh/id')).toBe('pw');
    expect(asked).toHaveLength(1);
    ui.passphraseRejected?.('db1', '/home/me/.ssh/id');
    await ui.passphrase('db1', '/home/me/.ssh/id');
    expect(asked).toHaveLength(2);

    const plain = createUiPrompter(events);
    answering = plain;
    asked.length = 0;
    await plain.passphrase('db1', '/k');
    expect(asked[0]?.remember).toMatchObject({ possible: false, why: expect.stringContaining('never stores secrets') });
  });
});

describe('where the agent files are', () => {
  it('in a packaged app: its resources (outside the asar); in a checkout: dist/agent; the env wins', () => {
    const resources = join(dir, 'resources');
    mkdirSync(join(resources, 'agent'), { recursive: true });
    expect(agentDir({}, resources)).toBe(join(distDir(), 'agent')); // no manifest there yet
    writeFileSync(join(resources, 'agent', 'manifest.json'), '{}');
    expect(agentDir({}, resources)).toBe(join(resources, 'agent'));
    expect(agentDir({}, undefined)).toBe(join(distDir(), 'agent'));
    expect(agentDir({ SEAMLESS_AGENT_DIR: '/x/agent' }, resources)).toBe('/x/agent');
  });
});

describe('the Linux packages', () => {
  it('AppImage and .deb for x64, the agent beside the asar, icons and a desktop entry', () => {
    const c = builderConfig({ electronVersion: '45.5.0' });
    expect(c.appId).toBe('dev.seamless.desktop');
    expect(c.linux?.target).toEqual([
      { target: 'AppImage', arch: ['x64'] },
      { target: 'deb', arch: ['x64'] },
    ]);
    expect(c.extraResources).toEqual([expect.objectContaining({ from: 'dist/agent', to: 'agent' })]);
    expect(c.asar).toBe(true);
    expect(c.files).toContain('!node_modules/**');
    expect(c.linux?.desktop?.entry).toMatchObject({ Name: 'Seamless', Categories: 'System;Utility;' });
    for (const n of [16, 32, 48, 64, 128, 256, 512]) expect(existsSync(join(projectRoot, 'build', 'icons', `${n}x${n}.png`))).toBe(true);
    expect(builderConfig({ electronVersion: '45.5.0', arches: ['x64', 'arm64'] }).linux?.target).toEqual([
      { target: 'AppImage', arch: ['x64', 'arm64'] },
      { target: 'deb', arch: ['x64', 'arm64'] },
    ]);
  });
  it('takes Electron from SEAMLESS_ELECTRON_DIST, the installed package or the cache, and never downloads it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'seamless-noelectron-'));
    const none = electronSource('45.5.0', 'x64', { ELECTRON_CACHE: join(empty, 'cache') }, empty);
    expect(none).toMatchObject({ missing: expect.stringContaining('SEAMLESS_ELECTRON_DIST') });
    expect(electronSource('45.5.0', 'x64', { SEAMLESS_ELECTRON_DIST: empty }, empty)).toEqual({ electronDist: empty });
    mkdirSync(join(empty, 'cache'));
    writeFileSync(join(empty, 'cache', 'electron-v45.5.0-linux-x64.zip'), '');
    expect(electronSource('45.5.0', 'x64', { ELECTRON_CACHE: join(empty, 'cache') }, empty)).toEqual({});
  });
  it('`npm run dist` without Electron’s binary fails at once, saying how to give it one', () => {
    const cache = mkdtempSync(join(tmpdir(), 'seamless-nocache-'));
    const t0 = Date.now();
    const r = spawnSync(process.execPath, [join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), join(projectRoot, 'build/dist.ts')], {
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_CACHE: cache, SEAMLESS_ELECTRON_DIST: '', ELECTRON_OVERRIDE_DIST_PATH: join(cache, 'none') },
    });
    if (r.status === 0) throw new Error('dist packaged something: this machine has Electron; this test is for machines without it');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^dist: Electron [\d.]+'s binary for linux-x64 is not on this machine.*SEAMLESS_ELECTRON_DIST/);
    expect(Date.now() - t0).toBeLessThan(15_000);
  });
});
