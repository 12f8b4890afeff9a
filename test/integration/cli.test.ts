import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runSeamless } from '../helpers/run';

describe('seamless CLI (built)', () => {
  it('`facts --local --json` prints this machine’s real facts', async () => {
    const { code, stdout, stderr } = await runSeamless(['facts', '--local', '--json']);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const facts = JSON.parse(stdout) as { kernel: { release: string }; hostname: string; cpus: number; memory: { totalBytes: number } };
    expect(facts.kernel.release).toBe(execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
    expect(facts.hostname).toBe(execFileSync('hostname', { encoding: 'utf8' }).trim());
    expect(facts.cpus).toBeGreaterThan(0);
    expect(facts.memory.totalBytes).toBeGreaterThan(0);
  });

  it('`facts --local` prints a readable summary', async () => {
    const { code, stdout } = await runSeamless(['facts', '--local']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^kernel\s+\S+/m);
  });

  it('explains a usage mistake with exit code 2', async () => {
    const { code, stderr } = await runSeamless(['facts']);
    expect(code).toBe(2);
    expect(stderr).toContain('--local');
    const unknown = await runSeamless(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Unknown command');
  });

  it('says what to do when the agent is not built', async () => {
    const { code, stderr } = await runSeamless(['facts', '--local'], { ...process.env, SEAMLESS_DIST_DIR: '/nonexistent' });
    expect(code).toBe(1);
    expect(stderr).toContain('AGENT_NOT_BUILT');
    expect(stderr).toContain('npm run build');
  });

  it('prints each command’s own usage for --help, with every exit code, and exits 0', async () => {
    for (const command of ['facts', 'inventory', 'files', 'plan', 'preflight', 'upgrade', 'attach', 'dry-run', 'report', 'serve']) {
      const { code, stdout, stderr } = await runSeamless([command, '--help']);
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage: seamless ${command}\\b`));
      for (const exit of ['0', '1', '2', '3', '4', '5', '6', '70', '130']) expect(stdout).toMatch(new RegExp(`^  ${exit} +\\S`, 'm'));
    }
    const all = await runSeamless(['--help']);
    expect(all.code).toBe(0);
    expect(all.stdout).toContain('seamless upgrade');
    expect(all.stdout).toContain('130');
  });

  it('with --json, says an error as one JSON object on stdout (usage mistakes too)', async () => {
    const usage = await runSeamless(['files', '--local', '--json']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout)).toEqual({ error: { code: 'USAGE', message: expect.stringContaining('--select') } });
    const missing = await runSeamless(['files', '--local', '--select', 'pid:999999999', '--json']);
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toMatchObject({
      error: { code: 'WORKLOAD_NOT_FOUND', message: expect.stringContaining('pid:999999999') },
    });
  });

  it('`cleanup` removes nothing that is not an ended upgrade’s images, and says why', async () => {
    const r = await runSeamless(['cleanup', '--local', '--id', 'u-20200101t000000-0000', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ removed: [], left: [{ id: 'u-20200101t000000-0000', reason: 'no such upgrade on this host' }] });
  });
});
