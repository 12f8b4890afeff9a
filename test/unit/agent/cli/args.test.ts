// The agent's command line: each command parsed into its typed form, and every mistake a usage
// error (exit 2) before anything reads the host.
import { describe, expect, it } from 'vitest';
import { parseAgentArgs } from '../../../../agent/cli/args';
import { UsageError } from '../../../../agent/cli/usage';

describe('parseAgentArgs', () => {
  it('parses every command with its flags', () => {
    expect(parseAgentArgs(['preflight', '--plan', '/p.json'])).toEqual({ command: 'preflight', plan: '/p.json', json: false });
    expect(parseAgentArgs(['preflight', '--json', '--plan=/p.json'])).toEqual({ command: 'preflight', plan: '/p.json', json: true });
    expect(parseAgentArgs(['dry-run', '--plan', 'p', '--trial-dump'])).toEqual({
      command: 'dry-run',
      plan: 'p',
      json: false,
      trialDump: true,
    });
    expect(parseAgentArgs(['upgrade', '--plan', 'p', '--wait', '--json'])).toEqual({
      command: 'upgrade',
      plan: 'p',
      json: true,
      wait: true,
    });
    expect(parseAgentArgs(['upgrade', '--plan', 'p'])).toMatchObject({ wait: false, json: false });
    expect(parseAgentArgs(['status'])).toEqual({ command: 'status', run: null, json: false });
    expect(parseAgentArgs(['status', '--run', 'u-20261204t195500-3f9a', '--json'])).toEqual({
      command: 'status',
      run: 'u-20261204t195500-3f9a',
      json: true,
    });
    expect(parseAgentArgs(['report'])).toEqual({ command: 'report', run: null, out: null });
    expect(parseAgentArgs(['report', '--run', 'u-20261204t195500-3f9a', '--out', '/tmp/r.json'])).toEqual({
      command: 'report',
      run: 'u-20261204t195500-3f9a',
      out: '/tmp/r.json',
    });
  });

  it('answers help and version without a command to run', () => {
    expect(parseAgentArgs(['--help'])).toEqual({ command: 'help', topic: null });
    expect(parseAgentArgs(['help', 'status'])).toEqual({ command: 'help', topic: 'status' });
    expect(parseAgentArgs(['upgrade', '--plan', 'p', '--help'])).toEqual({ command: 'help', topic: 'upgrade' });
    expect(parseAgentArgs(['report', '-h'])).toEqual({ command: 'help', topic: 'report' });
    expect(parseAgentArgs(['--version'])).toEqual({ command: 'version' });
  });

  it.each([
    [[], /Say which command/],
    [['frobnicate'], /Unknown command "frobnicate"/],
    [['--run-upgrade'], /Unknown command "--run-upgrade"/],
    [['preflight'], /Say which plan: --plan FILE/],
    [['preflight', '--plan'], /argument missing|--plan/],
    [['preflight', '--plan', ''], /Say which plan/],
    [['upgrade', '--plan', 'p', '--force'], /Unknown option '--force'/],
    [['upgrade', '--plan', 'p', 'extra'], /extra/],
    [['dry-run', '--plan', 'p', '--wait'], /Unknown option '--wait'/],
    [['status', '--plan', 'p'], /Unknown option '--plan'/],
    [['status', '--run', '../../etc'], /--run takes a run id/],
    [['status', '--run', 'U-UPPER'], /--run takes a run id/],
    [['report', '--out', ''], /--out takes a file name/],
    [['report', '--json'], /Unknown option '--json'/],
  ])('%j is a usage error', (argv, message) => {
    expect(() => parseAgentArgs(argv)).toThrow(UsageError);
    expect(() => parseAgentArgs(argv)).toThrow(message);
  });
});
