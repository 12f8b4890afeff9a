// The files that cross the kexec are read back on the new boot through their schema: an old,
// corrupt or hand-edited file is refused with the file and the field named, never cast.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatUpgradeFile, parseUpgradeFile } from '../../../shared/domain/upgradeFiles';
import { readUpgradeFile } from '../../../agent/upgrade/state';
import { initialState } from '../../../agent/upgrade/select';
import { samplePlan } from '../../helpers/samplePlan';

const plan = samplePlan(['pid:630']);
const state = initialState('u-files-1', plan);
const { version: _v, ...stateBody } = state;
const manifest = { algorithm: 'md5' as const, files: [{ path: 'pages-1.img', size: 4096, digest: 'a'.repeat(32) }], totalBytes: 4096 };
const preflight = { canStart: true, criuOptions: { 'pid:630': ['--shell-job'] }, findings: [], estimatedImageBytes: 4096 };

describe('versioned upgrade files', () => {
  it('round-trips each file through its writer and its reader, version first', () => {
    const st = formatUpgradeFile('state.json', stateBody);
    expect(st.startsWith('{\n  "version": 1,')).toBe(true);
    expect(parseUpgradeFile('state.json', st)).toEqual({ ok: true, value: state });
    expect(parseUpgradeFile('manifest.json', formatUpgradeFile('manifest.json', manifest))).toMatchObject({ ok: true, value: manifest });
    const pre = parseUpgradeFile('preflight.json', formatUpgradeFile('preflight.json', preflight));
    expect(pre.ok).toBe(true);
  });

  it('refuses a file of another version, saying which version it has and which is read', () => {
    const old = JSON.stringify({ ...state, version: 0 });
    expect(parseUpgradeFile('state.json', old)).toEqual({
      ok: false,
      issue: { file: 'state.json', field: 'version', message: 'has version 0; this Seamless reads version 1' },
    });
    const none = JSON.stringify(manifest);
    expect(parseUpgradeFile('manifest.json', none)).toMatchObject({
      ok: false,
      issue: { field: 'version', message: expect.stringContaining('has no version') },
    });
  });

  it('refuses a corrupt file, and names the first wrong field of one that parses', () => {
    expect(parseUpgradeFile('state.json', '{"version": 1, "id": "u-1"')).toMatchObject({
      ok: false,
      issue: { field: '(file)', message: expect.stringContaining('not JSON') },
    });
    const bad = JSON.stringify({ ...state, workloads: [{ selector: 'pid:630', rootPid: -1 }] });
    const r = parseUpgradeFile('state.json', bad);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issue.field).toMatch(/^workloads\.0\./);
    const digest = JSON.stringify({ version: 2, algorithm: 'sha256', files: [{ path: 'x', size: 1, digest: 'nothex' }], totalBytes: 1 });
    expect(parseUpgradeFile('manifest.json', digest)).toMatchObject({ ok: false, issue: { field: 'files.0.digest' } });
    const alg = JSON.stringify({ version: 2, algorithm: 'crc32', files: [], totalBytes: 0 });
    expect(parseUpgradeFile('manifest.json', alg)).toMatchObject({ ok: false, issue: { field: 'algorithm' } });
  });

  it('the agent reads them through the schema: UPGRADE_FILE_INVALID names the path and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'files-'));
    const path = join(dir, 'state.json');
    writeFileSync(path, JSON.stringify({ ...state, kexecMode: 'reboot' }));
    expect(() => readUpgradeFile('state.json', path)).toThrow(
      expect.objectContaining({ code: 'UPGRADE_FILE_INVALID', message: expect.stringContaining(`${path}: kexecMode:`) }),
    );
    expect(() => readUpgradeFile('manifest.json', join(dir, 'missing.json'))).toThrow(
      expect.objectContaining({ code: 'UPGRADE_FILE_INVALID', message: expect.stringContaining('cannot be read') }),
    );
    writeFileSync(path, formatUpgradeFile('state.json', stateBody));
    expect(readUpgradeFile('state.json', path)).toEqual(state);
  });
});
