import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderGroupVars, renderPlaybook, renderAnsibleCfg, type AnsibleExportOptions } from '../../../electron/export/ansiblePlaybook';
import { exportAnsible } from '../../../electron/export/exportAnsible';
import { folded, toYaml, wrap } from '../../../electron/export/yaml';
import type { AgentBundle } from '../../../electron/controller/agentBundle';
import { planTemplateSchema } from '../../../shared/plan/planTemplate';
import { samplePlan } from '../../helpers/samplePlan';

const template = planTemplateSchema.parse({
  version: 1,
  kind: 'plan-template',
  createdAt: '2026-12-04T20:00:00Z',
  workloads: ['unit:redis-server', 'container:web'],
  kernel: { newest: true },
  healthChecks: [{ name: 'redis', command: 'redis-cli ping', timeoutSeconds: 5 }],
});
const SHA = 'ab'.repeat(32);

const options = (over: Partial<AnsibleExportOptions> = {}): AnsibleExportOptions => ({
  template,
  agent: { sha256: SHA, version: '0.1.0' },
  batch: { kind: 'hosts', n: 5 },
  pauseMinutes: 0,
  dryRun: false,
  maxFailPercentage: 0,
  inventoryFile: null,
  templateSource: 'fleet.json',
  ...over,
});

/** Folded lines joined back as YAML reads them (for matching text across a fold). */
const flat = (s: string) => s.replace(/\n +/g, ' ');

/** The task named `name` in site.yml: its lines, up to the next task. */
function task(yaml: string, name: string): string {
  const start = yaml.indexOf(`- name: ${name}`);
  expect(start, `task ${name}`).toBeGreaterThan(0);
  const next = yaml.indexOf('\n    - name: ', start + 1);
  return yaml.slice(start, next === -1 ? undefined : next);
}

describe('the exported play', () => {
  it('canary first, then the batches; a failure gate of 0 % by default; the agent hash in the play', () => {
    const y = renderPlaybook(options());
    expect(y.startsWith('---\n')).toBe(true);
    expect(y).toContain('  serial:\n    - 1\n    - 5\n');
    expect(y).toContain('  max_fail_percentage: 0\n');
    expect(y).toContain('  become: true\n  gather_facts: false\n');
    expect(y).toMatch(new RegExp(`\n {4}seamless_agent_sha256: "?${SHA}"?\n`));
    expect(renderPlaybook(options({ batch: { kind: 'percent', n: 25 }, maxFailPercentage: 10 }))).toMatch(
      /serial:\n {4}- 1\n {4}- "25%"\n {2}max_fail_percentage: 10\n/,
    );
  });

  it('checks the agent by sha256, naming the host and both hashes', () => {
    const y = renderPlaybook(options());
    expect(task(y, '"Read the agent\'s hash on the host"')).toContain('checksum_algorithm: sha256');
    const check = task(y, 'Stop when the agent on the host is not the exported one');
    expect(check).toContain('when: "seamless_agent_stat.stat.checksum | default(\'\') != seamless_agent_sha256"');
    expect(flat(check)).toMatch(
      /\{\{ inventory_hostname \}\}: \{\{ seamless_dir \}\}\/agent\.cjs has sha256 .* the exported agent \{\{ seamless_agent_sha256 \}\}/,
    );
  });

  it('every refusal names the host, the exit code with its meaning, and the reason', () => {
    const y = renderPlaybook(options());
    for (const [name, reg] of [
      ['Stop when the template does not resolve on the host', 'seamless_resolve'],
      ['Stop when preflight refuses the plan', 'seamless_preflight'],
      ['Stop when the dry run refuses the plan', 'seamless_dry_run_result'],
    ] as const) {
      const t = flat(task(y, name));
      expect(t).toContain('{{ inventory_hostname }}:');
      expect(t).toContain(`(exit {{ ${reg}.rc }}: {{`);
      expect(t).toContain(`seamless_exit_meanings[${reg}.rc | string]`);
      expect(t).toContain('{{ seamless_reason }}');
    }
    expect(y).toContain('      "3": "preflight refused the plan (blocking findings; nothing was changed)"\n');
    expect(y).toContain('      "75": "the run has not ended yet');
  });

  it('the upgrade is a reboot whose command is the agent, 0 only at the jump; the report is fetched before the verdict', () => {
    const y = renderPlaybook(options());
    const up = flat(task(y, 'Upgrade (start the run, wait for the jump and for the host to answer on the new kernel)'));
    expect(up).toContain('ansible.builtin.reboot:');
    expect(up).toContain('reboot_command: "/bin/sh -c {{ seamless_upgrade_line | quote }}"');
    expect(up).not.toContain('boot_time_command');
    expect(up).toContain('agent.cjs upgrade --plan plan.json --wait --json');
    expect(up).toContain('if [ "$rc" -eq 75 ]; then exit 0; fi;');
    const order = [
      'Wait for the run to end',
      '"Write the run\'s report on the host"',
      'Fetch the report to the control node',
      'Stop when the upgrade did not restore every workload',
      'Read the running kernel',
      'Health checks',
    ].map((n) => y.indexOf(`- name: ${n}`));
    expect(order.every((i, k) => i > 0 && (k === 0 || i > order[k - 1]!))).toBe(true);
    expect(task(y, 'Wait for the run to end')).toContain('until: "seamless_status.rc != 75"');
    expect(flat(task(y, 'Fetch the report to the control node'))).toContain(
      'dest: "{{ seamless_report_dir | default(playbook_dir + \'/reports\') }}/{{ inventory_hostname }}/report.json"',
    );
  });

  it('pauses between batches only when asked, not after the last, once per batch', () => {
    const pause = flat(task(renderPlaybook(options()), 'Pause between batches'));
    expect(pause).toContain('# noqa: run-once[task]');
    expect(pause).toContain('run_once: true');
    expect(pause).toContain('(seamless_pause_minutes | int) > 0 and ansible_play_hosts_all[-1] not in ansible_play_batch');
    expect(renderGroupVars(options({ pauseMinutes: 7 }))).toContain('\nseamless_pause_minutes: 7\n');
    expect(renderGroupVars(options())).toContain('\nseamless_dir: /opt/seamless\n');
    expect(renderGroupVars(options({ dryRun: true }))).toContain('\nseamless_dry_run: true\n');
  });

  it('ansible.cfg keeps host-key checking on and names the inventory when one was given', () => {
    const cfg = renderAnsibleCfg(options({ inventoryFile: 'hosts.ini' }));
    expect(cfg).toContain('\nhost_key_checking = True\n');
    expect(cfg).toContain('\ninventory = hosts.ini\n');
    expect(cfg).not.toMatch(/host_key_checking *= *(False|no|0)/i);
    // a host gone by kexec closes nothing: ssh must notice by its keepalives, not TCP's 15 minutes
    expect(cfg).toMatch(/\nssh_args = .*-o ServerAliveInterval=5 -o ServerAliveCountMax=3\n/);
  });
});

describe('the YAML writer', () => {
  it('quotes what YAML would misread, folds long lines without changing them', () => {
    expect(toYaml({ a: 'yes', b: 'plain text', c: '{{ x }}', d: '0700', e: true, f: 3, g: [], h: 'a: b' })).toBe(
      '---\na: "yes"\nb: plain text\nc: "{{ x }}"\nd: "0700"\ne: true\nf: 3\ng: []\nh: "a: b"\n',
    );
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    expect(wrap(long)!.join(' ')).toBe(long);
    expect(wrap('two  spaces')).toBeNull();
    expect(toYaml({ k: folded('x y') })).toBe('---\nk: >-\n  x y\n');
    expect(toYaml({ k: long })).toMatch(/^---\nk: >-\n {2}word0 /);
  });
});

describe('exportAnsible (the folder)', () => {
  let dir: string;
  let agent: AgentBundle;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'seamless-export-'));
    const path = join(dir, 'seamless-agent-0123456789ab.cjs');
    writeFileSync(path, 'console.log("agent")\n');
    agent = {
      file: 'seamless-agent-0123456789ab.cjs',
      sha256: createHash('sha256').update(readFileSync(path)).digest('hex'),
      bytes: 21,
      version: '0.1.0',
      path,
    };
    writeFileSync(join(dir, 'template.json'), JSON.stringify(template));
    writeFileSync(join(dir, 'plan.json'), JSON.stringify(samplePlan()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const req = (over: Partial<Parameters<typeof exportAnsible>[0]>) => ({
    templateFile: join(dir, 'template.json'),
    outDir: join(dir, 'out'),
    inventory: null,
    batch: { kind: 'hosts' as const, n: 1 },
    pauseMinutes: 0,
    dryRun: false,
    maxFailPercentage: 0,
    force: false,
    agent,
    ...over,
  });

  it('writes the play, the agent with its hash, the template, the defaults, ansible.cfg and a README', () => {
    const r = exportAnsible(req({}));
    expect(r.files).toEqual([
      'README.md',
      'ansible.cfg',
      'files/plan-template.json',
      'files/seamless-agent.cjs',
      'group_vars/all.yml',
      'site.yml',
    ]);
    expect(readFileSync(join(dir, 'out/files/seamless-agent.cjs'), 'utf8')).toBe('console.log("agent")\n');
    expect(readFileSync(join(dir, 'out/site.yml'), 'utf8')).toContain(`seamless_agent_sha256: "${agent.sha256}"`);
    expect(planTemplateSchema.parse(JSON.parse(readFileSync(join(dir, 'out/files/plan-template.json'), 'utf8')))).toEqual(template);
    expect(readFileSync(join(dir, 'out/README.md'), 'utf8')).toContain('seamless fleet report reports');
  });

  it('refuses a non-empty folder unless --force, a plan for one host, and Jinja in a health check', () => {
    expect(() => exportAnsible(req({}))).toThrow(/is not empty; choose an empty folder, or pass --force/);
    expect(exportAnsible(req({ force: true })).files).toContain('site.yml');
    expect(() => exportAnsible(req({ templateFile: join(dir, 'plan.json'), outDir: join(dir, 'o2') }))).toThrow(
      /is a plan for one host \(lab: its PIDs, its kernel\); a playbook for many hosts needs a template.*seamless plan --template --select/,
    );
    writeFileSync(join(dir, 'jinja.json'), JSON.stringify({ ...template, healthChecks: [{ name: 'x', command: 'echo {{ x }}' }] }));
    expect(() => exportAnsible(req({ templateFile: join(dir, 'jinja.json'), outDir: join(dir, 'o3') }))).toThrow(/Jinja braces/);
  });
});
