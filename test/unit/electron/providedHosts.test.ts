// Hosts handed in by a launcher: listed as their files say, connected only when running, with
// only their pinned keys; a malformed or missing file lists nothing rather than guessing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostProviderFiles, ProvidedHosts } from '../../../electron/controller/hosts/providedHosts';

const dir = mkdtempSync(join(tmpdir(), 'seamless-provided-'));
const file = (name: string, doc: unknown) => {
  const p = join(dir, name);
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return p;
};
const target = { host: '127.0.0.1', port: 2222, user: 'root', identityFile: '/keys/id', knownHostsFile: '/keys/known_hosts' };
const running = file('running.json', { version: 1, id: 'lab', label: 'Lab VM', state: 'running', hint: 'npm run lab -- up', target });
const stopped = file('stopped.json', {
  version: 1,
  id: 'vm2',
  label: 'VM 2',
  state: 'stopped',
  hint: 'Start it with: vm2 up',
  target: null,
});
const future = file('future.json', { version: 2, id: 'vm3', label: 'VM 3', state: 'running', hint: '', target });
const broken = file('broken.json', '{"version":1,');

describe('provided hosts', () => {
  const hosts = new ProvidedHosts([running, stopped, future, broken, join(dir, 'missing.json')]);

  it('lists what the valid files name, with their state and whether the app can start them', () => {
    expect(hosts.list()).toEqual([
      { id: 'lab', label: 'Lab VM', kind: 'ssh', provided: { state: 'running', controllable: false, hint: 'npm run lab -- up' } },
      { id: 'vm2', label: 'VM 2', kind: 'ssh', provided: { state: 'stopped', controllable: false, hint: 'Start it with: vm2 up' } },
    ]);
  });

  it('gives a running host its target; trusts only its pinned known_hosts', () => {
    const t = hosts.targetFor('lab')!;
    expect(t.target).toMatchObject({ host: '127.0.0.1', port: 2222, user: 'root', identityFiles: ['/keys/id'], proxyJump: [] });
    expect(t.hostKeys.userPath).toBe('/keys/known_hosts');
  });

  it('refuses a stopped host with what to do, and knows nothing of other ids', () => {
    expect(() => hosts.targetFor('vm2')).toThrow(/VM 2 is not running\. Start it with: vm2 up/);
    expect(hosts.targetFor('vm3')).toBeNull();
    expect(hosts.targetFor('example.com')).toBeNull();
  });

  it('reads the launcher’s list from SEAMLESS_HOST_PROVIDERS', () => {
    expect(hostProviderFiles({ SEAMLESS_HOST_PROVIDERS: '/a.json::/b.json' })).toEqual(['/a.json', '/b.json']);
    expect(hostProviderFiles({})).toEqual([]);
  });
});
