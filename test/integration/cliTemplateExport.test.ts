// The built `seamless` CLI, as an admin starts a fleet rollout: `plan --template` (no host asked),
// then `export ansible` of that template; a plan made for one host is refused with how to make a
// template, and a non-empty folder without --force. Needs `npm run build` (as cli.test.ts).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planTemplateSchema } from '../../shared/plan/planTemplate';
import { runSeamless } from '../helpers/run';
import { samplePlan } from '../helpers/samplePlan';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'seamless-cli-template-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('seamless plan --template, then seamless export ansible (built CLI)', () => {
  it('writes a template without a host, and the playbook folder from it', async () => {
    const file = join(dir, 'fleet.json');
    const plan = await runSeamless([
      'plan',
      '--template',
      '--select',
      'unit:redis-server',
      '--select',
      'container:web',
      '--kernel',
      'newest',
      '--store',
      '/var/lib/seamless/images',
      '--health',
      'redis=redis-cli ping',
      '--out',
      file,
    ]);
    expect(plan.stderr).toBe('');
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain(`Wrote the template ${file}: unit:redis-server, container:web → the newest installed kernel`);
    expect(planTemplateSchema.parse(JSON.parse(readFileSync(file, 'utf8')))).toMatchObject({
      kind: 'plan-template',
      workloads: ['unit:redis-server', 'container:web'],
      kernel: { newest: true },
      store: { kind: 'dir', path: '/var/lib/seamless/images' },
      healthChecks: [{ name: 'redis', command: 'redis-cli ping', timeoutSeconds: 60 }],
    });

    const inventory = join(dir, 'hosts.ini');
    writeFileSync(inventory, 'web1\nweb2\n');
    const out = join(dir, 'rollout');
    const exp = await runSeamless([
      'export',
      'ansible',
      '--plan',
      file,
      '--out',
      out,
      '--inventory',
      inventory,
      '--batch',
      '25%',
      '--pause',
      '3',
    ]);
    expect(exp.code).toBe(0);
    expect(exp.stdout).toContain(`Then: seamless fleet report ${out}/reports`);
    const site = readFileSync(join(out, 'site.yml'), 'utf8');
    expect(site).toContain('  serial:\n    - 1\n    - "25%"\n  max_fail_percentage: 0\n');
    expect(readFileSync(join(out, 'group_vars/all.yml'), 'utf8')).toContain('seamless_pause_minutes: 3');
    expect(readFileSync(join(out, 'ansible.cfg'), 'utf8')).toContain('inventory = hosts.ini\n');
    expect(readFileSync(join(out, 'hosts.ini'), 'utf8')).toBe('web1\nweb2\n');

    const again = await runSeamless(['export', 'ansible', '--plan', file, '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not empty; choose an empty folder, or pass --force');
  });

  it('refuses host-specific selectors in a template, and a plan for one host in an export', async () => {
    const pid = await runSeamless(['plan', '--template', '--select', 'pid:1', '--kernel', 'newest', '--out', join(dir, 'x.json')]);
    expect(pid.code).toBe(1);
    expect(pid.stderr).toContain('pid:N and session:ID name one host’s processes');

    const planFile = join(dir, 'plan.json');
    writeFileSync(planFile, JSON.stringify(samplePlan()));
    const r = await runSeamless(['export', 'ansible', '--plan', planFile, '--out', join(dir, 'o'), '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      error: { code: 'PLAN_INVALID', message: expect.stringContaining('seamless plan --template --select') },
    });
    const usage = await runSeamless(['export', 'ansible', '--plan', planFile, '--out', join(dir, 'o'), '--batch', '0']);
    expect(usage.code).toBe(2);
  });
});
