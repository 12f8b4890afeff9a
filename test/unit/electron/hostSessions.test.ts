// Hosts the admin adds: the target as ssh would resolve it, plus the key file and jump host
// given in the form (tried first / used as ProxyJump); bad input is refused and nothing saved.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HostSessions } from '../../../electron/controller/hostSessions';
import { refusingPrompter } from '../../../electron/controller/prompter';
import type { ApiEvent } from '../../../shared/api';

function sessions() {
  const dir = mkdtempSync(join(tmpdir(), 'seamless-hosts-'));
  const key = join(dir, 'id_ed25519');
  writeFileSync(key, 'not really a key\n');
  const sshConfig = join(dir, 'ssh_config');
  writeFileSync(sshConfig, 'Host db1\n  HostName 10.0.0.7\n  User admin\n');
  const hosts = new HostSessions({
    version: 't',
    prompter: refusingPrompter,
    events: new EventEmitter<{ event: [ApiEvent] }>(),
    configDir: join(dir, 'config'),
    sshConfigPath: sshConfig,
  });
  return { hosts, key };
}

describe('hosts added in the app', () => {
  it('keeps the key and the jump host, and connects with them first', () => {
    const { hosts, key } = sessions();
    hosts.add('root@10.0.0.9:2222', 'db9', { identityFile: key, proxyJump: 'jump@bastion:22' });
    const { target } = hosts.targetFor('root@10.0.0.9:2222');
    expect(target).toMatchObject({ host: '10.0.0.9', port: 2222, user: 'root' });
    expect(target.identityFiles[0]).toBe(key);
    expect(target.proxyJump).toEqual([expect.objectContaining({ host: 'bastion', user: 'jump', port: 22 })]);
    expect(hosts.list()).toContainEqual({ id: 'root@10.0.0.9:2222', label: 'db9', kind: 'ssh' });
    // ~/.ssh/config's aliases are listed beside it
    expect(hosts.list()).toContainEqual({ id: 'db1', label: 'db1 (~/.ssh/config)', kind: 'ssh' });
  });

  it('refuses a key file that is not there, and saves nothing', () => {
    const { hosts } = sessions();
    expect(() => hosts.add('root@10.0.0.9', undefined, { identityFile: '/nonexistent/key' })).toThrow(/does not exist/);
    expect(hosts.list().some((h) => h.id === 'root@10.0.0.9')).toBe(false);
  });
});
