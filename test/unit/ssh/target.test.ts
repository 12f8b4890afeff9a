// Target specs and ~/.ssh/config resolution, as ssh(1) would resolve them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeTarget, parseTargetSpec, resolveTarget, sshConfigAliases } from '../../../electron/controller/ssh/target';

const config = `
Host web
  HostName 10.0.0.5
  User admin
  Port 2222
  IdentityFile ~/.ssh/id_web
  IdentityFile %d/.ssh/%r@%h
  ProxyJump bastion,inner

Host bastion
  HostName bastion.example.com
  User jump

Host inner
  HostName 10.0.0.1
  ProxyJump edge:2200

Host *.lan
  HostName %h.internal
  User lanuser

Host *
  User fallback
`;

function withConfig(): { sshConfigPath: string; homeDir: string; localUser: string } {
  const dir = mkdtempSync(join(tmpdir(), 'seamless-sshcfg-'));
  const path = join(dir, 'config');
  writeFileSync(path, config);
  return { sshConfigPath: path, homeDir: '/home/alice', localUser: 'alice' };
}

describe('target specs', () => {
  it('parses user@host:port, user@host, host, [v6]:port and ssh:// URLs', () => {
    expect(parseTargetSpec('root@db1:2222')).toEqual({ user: 'root', host: 'db1', port: 2222 });
    expect(parseTargetSpec('root@db1')).toEqual({ user: 'root', host: 'db1' });
    expect(parseTargetSpec('db1')).toEqual({ host: 'db1' });
    expect(parseTargetSpec('me@[2001:db8::1]:22')).toEqual({ user: 'me', host: '2001:db8::1', port: 22 });
    expect(parseTargetSpec('2001:db8::1')).toEqual({ host: '2001:db8::1' });
    expect(parseTargetSpec('ssh://u@h:23')).toEqual({ user: 'u', host: 'h', port: 23 });
  });

  it('refuses what is not a target, saying why', () => {
    for (const bad of ['', 'a b', '@host', 'host:0', 'host:99999', 'host:x', '-oProxyCommand=x']) {
      expect(() => parseTargetSpec(bad)).toThrow(expect.objectContaining({ code: 'SSH_TARGET_INVALID' }));
    }
  });

  it('resolves a Host alias with HostName, User, Port, IdentityFiles and a ProxyJump chain', () => {
    const t = resolveTarget('web', withConfig());
    expect(t).toMatchObject({ alias: 'web', host: '10.0.0.5', port: 2222, user: 'admin' });
    expect(t.identityFiles).toEqual(['/home/alice/.ssh/id_web', '/home/alice/.ssh/admin@10.0.0.5']);
    // inner itself jumps through edge: its chain comes first.
    expect(t.proxyJump.map((h) => describeTarget(h))).toEqual(['jump@bastion.example.com', 'fallback@edge:2200', 'fallback@10.0.0.1']);
  });

  it('lets the spec override the config, applies wildcard blocks and %h, defaults to port 22 and the config/local user', () => {
    const o = withConfig();
    expect(resolveTarget('root@web:22', o)).toMatchObject({ host: '10.0.0.5', port: 22, user: 'root' });
    expect(resolveTarget('printer.lan', o)).toMatchObject({ host: 'printer.lan.internal', user: 'lanuser', port: 22 });
    expect(resolveTarget('plain.example.com', o)).toMatchObject({
      alias: null,
      host: 'plain.example.com',
      user: 'fallback',
      proxyJump: [],
    });
    expect(resolveTarget('plain', { sshConfigPath: null, localUser: 'alice' })).toMatchObject({
      user: 'alice',
      port: 22,
      identityFiles: [],
    });
  });
});

describe('~/.ssh/config hosts listed in the app', () => {
  it('lists each alias that names one host, in file order; patterns are not hosts', () => {
    expect(sshConfigAliases({ sshConfigPath: withConfig().sshConfigPath })).toEqual(['web', 'bastion', 'inner']);
    expect(sshConfigAliases({ sshConfigPath: '/nonexistent/config' })).toEqual([]);
    expect(sshConfigAliases({ sshConfigPath: null })).toEqual([]);
  });
});
