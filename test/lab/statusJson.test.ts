import { describe, it, expect } from 'vitest';
import { buildStatus, formatStatus, type StatusInput } from './statusJson.js';

const entry = {
  key: 'bookworm-0123456789abcdef',
  image: '/cache/images/k/image.raw',
  clientKey: '/cache/images/k/id_ed25519',
  hostKey: 'ssh-ed25519 AAAAkey',
  hostKeyFingerprint: 'SHA256:abc',
  kernels: { boot: '6.1.0-47-amd64', target: '6.1.0-50-amd64' },
};
const base: StatusInput = {
  labDir: '/cache',
  running: true,
  pid: 1234,
  port: 40022,
  kernel: '6.1.0-47-amd64',
  knownHostsPath: '/cache/run/known_hosts',
  serialLog: '/cache/run/serial.log',
  cmdline: 'root=/dev/vda rw',
  entry,
};

describe('buildStatus', () => {
  it('has the fields the tests and the controller rely on', () => {
    const s = buildStatus(base);
    expect(s).toMatchObject({
      running: true,
      host: '127.0.0.1',
      port: 40022,
      user: 'root',
      keyPath: '/cache/images/k/id_ed25519',
      kernel: '6.1.0-47-amd64',
      knownHostsPath: '/cache/run/known_hosts',
      hostKey: 'ssh-ed25519 AAAAkey',
      hostKeyFingerprint: 'SHA256:abc',
      serialLog: '/cache/run/serial.log',
      image: '/cache/images/k/image.raw',
    });
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });

  it('reports kernel, port and pid as null when not running', () => {
    const s = buildStatus({ ...base, running: false });
    expect(s.running).toBe(false);
    expect(s.kernel).toBeNull();
    expect(s.port).toBeNull();
    expect(s.pid).toBeNull();
    expect(s.keyPath).toBe(entry.clientKey); // still useful: the image exists
  });

  it('has nulls, not undefined, before the first build', () => {
    const s = buildStatus({ ...base, running: false, entry: null });
    expect(s.image).toBeNull();
    expect(s.hostKey).toBeNull();
    expect(Object.values(s).every((v) => v !== undefined)).toBe(true);
    expect(formatStatus(s)).toMatch(/not built/);
  });
});
