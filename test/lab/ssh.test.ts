import { describe, it, expect } from 'vitest';
import { classifySshFailure, shellQuote, sshArgs } from './ssh.js';
import { keyTypeAndBlob, knownHostsLine, parseFingerprint } from './sshKeys.js';

const target = { host: '127.0.0.1', port: 40022, user: 'root', keyPath: '/k/id', knownHostsPath: '/r/known_hosts' };

describe('sshArgs', () => {
  it('pins the host key and never prompts', () => {
    const a = sshArgs(target, {}, 'uname -r');
    const opts = a.filter((_, i) => a[i - 1] === '-o');
    expect(opts).toContain('StrictHostKeyChecking=yes');
    expect(opts).toContain('BatchMode=yes');
    expect(opts).toContain('UserKnownHostsFile=/r/known_hosts');
    expect(opts).toContain('GlobalKnownHostsFile=/dev/null');
    expect(a.slice(-3)).toEqual(['root@127.0.0.1', '--', 'uname -r']);
    expect(a[a.indexOf('-p') + 1]).toBe('40022');
  });

  it('asks for a tty only for interactive use', () => {
    expect(sshArgs(target, { tty: true })).toContain('-t');
    expect(sshArgs(target)).not.toContain('-t');
  });
});

describe('shellQuote', () => {
  it('leaves plain words and quotes the rest', () => {
    expect(shellQuote(['systemctl', 'is-active', 'lab-memload@256M.service'])).toBe('systemctl is-active lab-memload@256M.service');
    expect(shellQuote(['echo', "it's $HOME"])).toBe(`echo 'it'\\''s $HOME'`);
  });
});

describe('classifySshFailure', () => {
  it('treats boot-time noise as not yet', () => {
    expect(classifySshFailure('kex_exchange_identification: read: Connection reset by peer')).toBe('not-yet');
    expect(classifySshFailure('Connection timed out during banner exchange')).toBe('not-yet');
    expect(classifySshFailure('ssh: connect to host 127.0.0.1 port 40022: Connection refused')).toBe('not-yet');
  });

  it('stops on a wrong host key or a refused key', () => {
    expect(classifySshFailure('@@@ WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED! @@@')).toBe('host-key-mismatch');
    expect(classifySshFailure('Host key verification failed.')).toBe('host-key-mismatch');
    expect(classifySshFailure('root@127.0.0.1: Permission denied (publickey).')).toBe('auth-failed');
  });
});

describe('keys', () => {
  it('reads the SHA256 fingerprint from ssh-keygen -l', () => {
    expect(parseFingerprint('256 SHA256:t0sVqn0RUbe+pTJ1BK2CGc/xxXf4rZXNRpcvNWin7DU root@seamless-lab (ED25519)\n')).toBe(
      'SHA256:t0sVqn0RUbe+pTJ1BK2CGc/xxXf4rZXNRpcvNWin7DU',
    );
    expect(parseFingerprint('garbage')).toBeUndefined();
  });

  it('writes [host]:port known_hosts lines without the comment', () => {
    expect(knownHostsLine('127.0.0.1', 40022, 'ssh-ed25519 AAAAxyz root@seamless-lab\n')).toBe('[127.0.0.1]:40022 ssh-ed25519 AAAAxyz\n');
    expect(knownHostsLine('127.0.0.1', 22, 'ssh-ed25519 AAAAxyz')).toBe('127.0.0.1 ssh-ed25519 AAAAxyz\n');
    expect(() => keyTypeAndBlob('nonsense')).toThrow();
  });
});
