// Starting and stopping a provided host runs the provider's own command as the controller's user:
// only when nobody else could have changed the file or the program, one action at a time, with
// its progress lines passed on and its stderr kept as the evidence of a failure.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProvidedHostControl, writableByOthers, type ControlProgress } from '../../../electron/controller/hosts/providedHostControl';
import type { ProvidedHost } from '../../../shared/domain/providedHost';

const dir = mkdtempSync(join(tmpdir(), 'seamless-control-'));
chmodSync(dir, 0o755);
const providerFile = join(dir, 'host.json');
writeFileSync(providerFile, '{}', { mode: 0o644 });

/** A provider command: a node script that prints what it is given, then exits with `code`. */
function script(name: string, body: string): string {
  const p = join(dir, name);
  writeFileSync(p, body, { mode: 0o644 });
  return p;
}
const progress = (stage: string, message: string) => JSON.stringify({ version: 1, stage, message });
const ok = script(
  'ok.js',
  `for (const l of ${JSON.stringify([progress('build', 'image cached'), 'a plain line', progress('boot', 'qemu started'), progress('ready', 'ssh answers')])}) console.log(l);`,
);
const fails = script(
  'fails.js',
  `console.log(${JSON.stringify(progress('boot', 'qemu started'))}); console.error('qemu: cannot set up guest memory'); process.exit(3);`,
);
const slow = script('slow.js', `setTimeout(() => {}, 1500);`);

const host = (start: string, extra: Partial<ProvidedHost> = {}): ProvidedHost => ({
  version: 1,
  id: 'vm',
  label: 'VM',
  state: 'stopped',
  hint: 'vm up',
  target: null,
  control: { cwd: dir, start: [process.execPath, start], stop: [process.execPath, ok] },
  ...extra,
});

describe('starting and stopping a provided host', () => {
  it('passes the stages and lines on, in order, and ends when the command exits 0', async () => {
    const seen: ControlProgress[] = [];
    await new ProvidedHostControl((p) => seen.push(p)).run(providerFile, host(ok), 'start');
    expect(seen.map((p) => [p.stage, p.line])).toEqual([
      ['build', 'starting VM'],
      ['build', 'image cached'],
      ['build', 'a plain line'],
      ['boot', 'qemu started'],
      ['ready', 'ssh answers'],
    ]);
    expect(seen.every((p) => p.hostId === 'vm' && p.action === 'start' && p.elapsedS >= 0)).toBe(true);
  });

  it('a failing command: the error says what it got to, with its stderr as evidence', async () => {
    const err = await new ProvidedHostControl(() => {}).run(providerFile, host(fails), 'start').catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'HOST_CONTROL_FAILED',
      message: 'Starting VM failed: the command exited with 3 after “qemu started”.',
      evidence: 'qemu: cannot set up guest memory',
    });
  });

  it('runs nothing another user could have changed, and nothing given by a relative name', async () => {
    const control = new ProvidedHostControl(() => {});
    const loose = script('loose.js', 'require("fs").writeFileSync(process.argv[2], "ran")');
    chmodSync(loose, 0o666);
    const marker = join(dir, 'ran');
    const h = host(loose);
    h.control!.start.push(marker);
    await expect(control.run(providerFile, h, 'start')).rejects.toMatchObject({
      code: 'HOST_PROVIDER_UNTRUSTED',
      message: expect.stringContaining('writable by its group or by everyone (mode 666)'),
    });
    const relative = host(ok);
    relative.control!.start = ['node', ok];
    await expect(control.run(providerFile, relative, 'start')).rejects.toMatchObject({
      code: 'HOST_PROVIDER_UNTRUSTED',
      message: expect.stringContaining('not an absolute path'),
    });
    chmodSync(providerFile, 0o646);
    await expect(control.run(providerFile, host(ok), 'start')).rejects.toMatchObject({ code: 'HOST_PROVIDER_UNTRUSTED' });
    chmodSync(providerFile, 0o644);
    expect(writableByOthers(marker)).toMatch(/does not exist/); // the loose script never ran
  });

  it('a command from a checkout that moved: says so and runs nothing', async () => {
    const gone = host(ok);
    gone.control!.cwd = join(dir, 'gone');
    await expect(new ProvidedHostControl(() => {}).run(providerFile, gone, 'start')).rejects.toMatchObject({
      code: 'HOST_CONTROL_FAILED',
      message: expect.stringContaining('does not exist'),
    });
  });

  it('one action at a time per host; a host without control cannot be started', async () => {
    const control = new ProvidedHostControl(() => {});
    const first = control.run(providerFile, host(slow), 'start');
    await expect(control.run(providerFile, host(ok), 'stop')).rejects.toMatchObject({ code: 'HOST_CONTROL_BUSY' });
    await first;
    const { control: _none, ...bare } = host(ok);
    await expect(control.run(providerFile, bare, 'start')).rejects.toMatchObject({
      code: 'HOST_UNKNOWN',
      message: expect.stringContaining('vm up'),
    });
  });
});
