// How the agent's command line ends on a failure: the exit code says which kind, and the error
// is said once, as JSON on stdout with --json, as words on stderr without.
import { describe, expect, it } from 'vitest';
import { describeError, exitForError } from '../../../../agent/cli/errorExit';
import { UsageError } from '../../../../agent/cli/usage';
import { SeamlessError } from '../../../../shared/errors';

describe('agent command-line errors', () => {
  it('map what a command threw: usage 2, refused 3, cancelled 130, a host problem 1, a bug 70', () => {
    expect(exitForError(new UsageError('x'))).toBe(2);
    expect(exitForError(new SeamlessError('PREFLIGHT_BLOCKED', 'x'))).toBe(3);
    expect(exitForError(new SeamlessError('REQUEST_CANCELLED', 'x'))).toBe(130);
    expect(exitForError(new SeamlessError('PLAN_INVALID', 'x'))).toBe(1);
    expect(exitForError(new SeamlessError('UPGRADE_NOT_FOUND', 'x'))).toBe(1);
    expect(exitForError(new TypeError('bug'))).toBe(70);
  });

  it('say an error as one JSON object with --json, as words on stderr without', () => {
    const err = new SeamlessError('PLAN_INVALID', '/p.json: workloads: select at least one workload', { evidence: 'line 1' });
    expect(JSON.parse(describeError(err, true).stdout)).toEqual({
      error: { code: 'PLAN_INVALID', message: '/p.json: workloads: select at least one workload', evidence: 'line 1' },
    });
    expect(describeError(err, false)).toEqual({
      stdout: '',
      stderr: 'seamless-agent: PLAN_INVALID: /p.json: workloads: select at least one workload\nevidence:\n  line 1\n',
    });
    expect(describeError(new UsageError('Unknown command "x".'), false).stderr).toMatch(
      /^seamless-agent: USAGE: Unknown command "x"\.\nRun `seamless-agent --help`/,
    );
  });
});
