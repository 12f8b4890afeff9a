// Marker parsing and quoting: shell noise around the answer must not matter.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { parsePlatform } from '../../../electron/controller/ssh/deploy';
import { extractMarked, markedScript, shQuote } from '../../../electron/controller/ssh/remoteScript';

describe('remote scripts', () => {
  it('finds the answer between markers despite a MOTD and shell noise, with the exit status', () => {
    const s = markedScript('echo "arch=x86_64"');
    const out = execFileSync('/bin/sh', [
      '-c',
      `echo 'Welcome to Debian'; echo '__SEAMLESS_END_fake__ 0'; ${s.command}; echo 'bye from .bash_logout'`,
    ]).toString();
    expect(extractMarked(out, s)).toEqual({ body: 'arch=x86_64', status: 0 });
    expect(extractMarked('no markers here', s)).toBeNull();
    const failing = markedScript('echo partial; exit 3');
    expect(extractMarked(execFileSync('/bin/sh', ['-c', failing.command]).toString(), failing)).toEqual({ body: 'partial', status: 3 });
  });

  it('quotes any word so that sh sees it unchanged', () => {
    for (const word of ["it's", 'a b', '$(id)', '`x`', 'back\\slash', '"dq"', '']) {
      expect(execFileSync('/bin/sh', ['-c', `printf %s ${shQuote(word)}`]).toString()).toBe(word);
    }
  });

  it('parses the platform probe (captured from Debian 12 and from a host without node)', () => {
    expect(
      parsePlatform('os=Linux\narch=x86_64\nuid=1001\nhome=/home/seamless-t\nnode=/usr/bin/node\nnodeVersion=v20.20.2\nglibc=glibc 2.36\n'),
    ).toEqual({
      os: 'Linux',
      arch: 'x86_64',
      uid: 1001,
      home: '/home/seamless-t',
      node: { path: '/usr/bin/node', version: 'v20.20.2', major: 20 },
      glibc: '2.36',
    });
    expect(parsePlatform('os=Linux\narch=aarch64\nuid=0\nhome=/root\nnode=\nglibc=\n')).toMatchObject({
      arch: 'aarch64',
      node: null,
      glibc: null,
    });
  });
});
