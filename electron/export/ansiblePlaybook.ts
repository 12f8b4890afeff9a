// Why: fleets are rolled by Ansible, not by Seamless (../shared/DESIGN.md, Fleets). This writes
// the play an admin would write by hand if they knew the agent's contract (README: the agent on
// its own): per host, the agent copied and checked by hash, the template resolved and preflighted
// there, the upgrade started and followed across the kexec (ansible.builtin.reboot: its
// reboot_command is the upgrade, which "reboots" the host by kexec), the run's end awaited, the
// report fetched before any verdict, the kernel and the template's health checks checked.
// Batches with a canary first and a failure gate of 0 %: one bad host stops the rollout. Every
// failure names the host, the agent's exit code with its meaning, and the reason from its JSON.
// Pure: data in, file texts out (exportAnsible.ts writes them).
import { AGENT_EXIT_TABLE } from '../../shared/exitCodes';
import type { PlanTemplate } from '../../shared/plan/planTemplate';
import { COMMENT, folded, toYaml, type YamlValue } from './yaml';

export type BatchSize = { kind: 'hosts'; n: number } | { kind: 'percent'; n: number };

export interface AnsibleExportOptions {
  template: PlanTemplate;
  /** The agent bundle the app uses (shipped as files/seamless-agent.cjs). */
  agent: { sha256: string; version: string };
  /** The batches after the canary (one host). */
  batch: BatchSize;
  /** Minutes between batches (0: none). */
  pauseMinutes: number;
  /** Rehearse on each host (seamless-agent dry-run) before its upgrade. */
  dryRun: boolean;
  maxFailPercentage: number;
  /** The inventory's file name in the export, when one was given. */
  inventoryFile: string | null;
  /** The template file's name as given (for the README). */
  templateSource: string;
}

export const AGENT_FILE = 'files/seamless-agent.cjs';
export const TEMPLATE_FILE = 'files/plan-template.json';
export const DEFAULT_SEAMLESS_DIR = '/opt/seamless';

/** The variables an inventory may set per host or group (group_vars/all.yml holds their defaults). */
export function playDefaults(o: AnsibleExportOptions): Record<string, YamlValue> {
  return {
    seamless_dir: DEFAULT_SEAMLESS_DIR,
    seamless_node: 'node',
    seamless_dry_run: o.dryRun,
    seamless_reboot_timeout: 1800,
    seamless_status_retries: 120,
    seamless_status_delay: 15,
    seamless_pause_minutes: o.pauseMinutes,
  };
}

const batchValue = (b: BatchSize): number | string => (b.kind === 'hosts' ? b.n : `${b.n}%`);

const agentArgv = (...args: string[]): string[] => ['{{ seamless_node }}', '{{ seamless_dir }}/agent.cjs', ...args];
const PLAN = '{{ seamless_dir }}/plan.json';

/** `exit N: meaning` for a registered result's rc. */
const exitText = (rc: string) => `exit {{ ${rc} }}: {{ seamless_exit_meanings[${rc} | string] | default('an unknown code') }}`;

/** The agent's JSON on stdout as data ({} when it printed none). */
const docOf = (reg: string) => `{{ ${reg}.stdout | from_json if (${reg}.stdout | default('') | trim)[:1] == '{' else {} }}`;

/**
 * Why a command refused, from its JSON (`seamless_doc`): an unresolved template's problems, the
 * blocking findings of preflight (or of the dry run's preflight), an error's code and message, or
 * a run's outcome; else `seamless_fallback_reason`. Evaluated where a task sets seamless_doc.
 */
const REASON = folded(
  '{%- set d = seamless_doc | default({}, true) -%}',
  '{%- if d.error is defined and d.error.problems is defined -%}',
  "{%- for p in d.error.problems -%}{{ p.code }}: {{ p.message }}{{ '; ' if not loop.last else '' }}{%- endfor -%}",
  '{%- elif d.error is defined -%}',
  '{{ d.error.code }}: {{ d.error.message }}',
  '{%- elif (d.preflight | default(d)).findings is defined -%}',
  "{%- set blocks = (d.preflight | default(d)).findings | selectattr('severity', 'equalto', 'block') | list -%}",
  "{{ 'blocking findings: ' }}",
  "{%- for f in blocks -%}{{ f.id }}{{ ' (' ~ f.workload ~ ')' if f.workload is defined else '' }}: {{ f.message }}{{ '; ' if not loop.last else '' }}{%- endfor -%}",
  '{%- elif d.outcome is defined -%}',
  "outcome {{ d.outcome }}{{ ' at ' ~ d.last.phase ~ ' ' ~ d.last.state if d.last is defined and d.last else '' }}",
  '{%- else -%}',
  "{{ seamless_fallback_reason | default('the agent said nothing more', true) }}",
  '{%- endif -%}',
);

/** A read-only agent command whose refusal stops the host with the reason (resolve, preflight, dry-run). */
function gated(step: { name: string; reg: string; args: string[]; refusal: string; when?: string; changed?: string }): YamlValue[] {
  const when: Record<string, YamlValue> = step.when ? { when: step.when } : {};
  return [
    {
      name: step.name,
      'ansible.builtin.command': { argv: agentArgv(...step.args) },
      register: step.reg,
      changed_when: step.changed ?? false,
      failed_when: false,
      ...when,
    },
    {
      name: `Stop when ${step.refusal}`,
      'ansible.builtin.fail': {
        msg: folded(`{{ inventory_hostname }}: ${step.refusal} (${exitText(`${step.reg}.rc`)}):`, '{{ seamless_reason }}'),
      },
      vars: { seamless_doc: docOf(step.reg), seamless_fallback_reason: `{{ ${step.reg}.stderr | default('') | trim }}` },
      when: step.when ? [step.when, `${step.reg}.rc != 0`] : `${step.reg}.rc != 0`,
    },
  ];
}

/** The shell line the reboot action runs: the upgrade, followed to the jump; 0 only when the run reached it. */
const UPGRADE_LINE = [
  'cd {{ seamless_dir | quote }} &&',
  '{{ seamless_node | quote }} agent.cjs upgrade --plan plan.json --wait --json >upgrade.jsonl 2>upgrade.err;',
  'rc=$?;',
  `printf '{"event":"exit","code":%d}\\n' "$rc" >>upgrade.jsonl;`,
  'if [ "$rc" -eq 75 ]; then exit 0; fi;',
  'echo "seamless-agent upgrade exited $rc before the jump";',
  'exit "$rc"',
].join(' ');

const events = (kind: string) => `seamless_upgrade_events | selectattr('event', 'defined') | selectattr('event', 'equalto', '${kind}')`;
const REPORT_DEST = "{{ seamless_report_dir | default(playbook_dir + '/reports') }}/{{ inventory_hostname }}/report.json";

function tasks(): YamlValue[] {
  return [
    {
      name: 'Check that Node.js 18 or newer is there to run the agent',
      'ansible.builtin.command': { argv: ['{{ seamless_node }}', '--version'] },
      register: 'seamless_node_version',
      changed_when: false,
      failed_when: false,
    },
    {
      name: 'Stop when Node.js is missing or older than 18',
      'ansible.builtin.fail': {
        msg: folded(
          '{{ inventory_hostname }}: the agent needs Node.js 18 or newer; `{{ seamless_node }} --version` said',
          "\"{{ (seamless_node_version.stdout | default('') ~ ' ' ~ seamless_node_version.stderr | default('') ~ ' ' ~ seamless_node_version.msg | default('')) | trim }}\".",
          'Install it (Debian: apt-get install nodejs), or set seamless_node to its path.',
        ),
      },
      // vNN.x.y → NN (no regex: backslashes read differently in a when than in a msg).
      when: "seamless_node_version.rc | default(1) != 0 or ((seamless_node_version.stdout | default('') | trim)[1:] | split('.') | first | int) < 18",
    },
    {
      name: "Make the agent's directory, for root alone",
      'ansible.builtin.file': { path: '{{ seamless_dir }}', state: 'directory', owner: 'root', group: 'root', mode: '0700' },
    },
    {
      name: 'Copy the agent',
      'ansible.builtin.copy': { src: AGENT_FILE, dest: '{{ seamless_dir }}/agent.cjs', owner: 'root', group: 'root', mode: '0600' },
    },
    {
      name: "Read the agent's hash on the host",
      'ansible.builtin.stat': { path: '{{ seamless_dir }}/agent.cjs', checksum_algorithm: 'sha256', get_checksum: true },
      register: 'seamless_agent_stat',
    },
    {
      name: 'Stop when the agent on the host is not the exported one',
      'ansible.builtin.fail': {
        msg: folded(
          "{{ inventory_hostname }}: {{ seamless_dir }}/agent.cjs has sha256 {{ seamless_agent_stat.stat.checksum | default('none (no file)') }},",
          'the exported agent {{ seamless_agent_sha256 }}: not run.',
        ),
      },
      when: "seamless_agent_stat.stat.checksum | default('') != seamless_agent_sha256",
    },
    {
      name: 'Copy the plan template',
      'ansible.builtin.copy': {
        src: TEMPLATE_FILE,
        dest: '{{ seamless_dir }}/plan-template.json',
        owner: 'root',
        group: 'root',
        mode: '0600',
      },
    },
    ...gated({
      name: 'Resolve the template on the host (its workloads, kernel and store)',
      reg: 'seamless_resolve',
      args: ['resolve', '--plan', '{{ seamless_dir }}/plan-template.json', '--out', PLAN, '--json'],
      refusal: 'the template does not resolve on the host',
      changed: 'seamless_resolve.rc == 0',
    }),
    {
      name: 'Read the plan resolved for the host',
      'ansible.builtin.slurp': { src: PLAN },
      register: 'seamless_plan_file',
    },
    {
      name: 'Show the plan',
      'ansible.builtin.debug': {
        msg: folded(
          '{%- set p = seamless_plan_file.content | b64decode | from_json -%}',
          "{{ p.host }}: {{ p.workloads | join(', ') }} into {{ p.kernel.release | default(p.kernel.image, true) }}",
          "(store {{ p.store.device | default(p.store.path | default('')) }})",
        ),
      },
    },
    ...gated({
      name: 'Preflight (read-only: every reason the plan could fail)',
      reg: 'seamless_preflight',
      args: ['preflight', '--plan', PLAN, '--json'],
      refusal: 'preflight refuses the plan',
    }),
    ...gated({
      name: 'Dry run (no downtime: calibration and pre-dump rounds)',
      reg: 'seamless_dry_run_result',
      args: ['dry-run', '--plan', PLAN, '--json'],
      refusal: 'the dry run refuses the plan',
      when: 'seamless_dry_run | bool',
    }),
    {
      name: 'Upgrade (start the run, wait for the jump and for the host to answer on the new kernel)',
      'ansible.builtin.reboot': {
        reboot_command: '/bin/sh -c {{ seamless_upgrade_line | quote }}',
        reboot_timeout: '{{ seamless_reboot_timeout | int }}',
      },
      vars: { seamless_upgrade_line: UPGRADE_LINE },
      register: 'seamless_jump',
      // A failed reboot_command (the run never reached the jump) is told below, with the agent's
      // reason; a host that jumped and did not come back fails here (reboot's own message).
      failed_when: '(seamless_jump.rebooted | default(false)) and (seamless_jump.failed | default(false))',
    },
    {
      name: 'Read what the upgrade command said',
      'ansible.builtin.slurp': { src: '{{ seamless_dir }}/upgrade.jsonl' },
      register: 'seamless_upgrade_log',
      failed_when: false,
    },
    {
      name: 'Find the run',
      'ansible.builtin.set_fact': {
        seamless_upgrade_events:
          "{{ (seamless_upgrade_log.content | default('') | b64decode).splitlines() | select('match', '^[{].*[}]$') | map('from_json') | list }}",
      },
    },
    {
      name: 'Stop when the upgrade did not start',
      'ansible.builtin.fail': {
        msg: folded(
          '{{ inventory_hostname }}: the upgrade did not start',
          `(exit {{ seamless_upgrade_exit }}: {{ seamless_exit_meanings[seamless_upgrade_exit | string] | default('an unknown code') }}):`,
          '{{ seamless_reason }}',
        ),
      },
      vars: {
        seamless_upgrade_exit: `{{ ${events('exit')} | map(attribute='code') | first | default(-1) }}`,
        seamless_doc: `{{ ((${events('preflight')} | map(attribute='result') | rejectattr('canStart') | list) + (seamless_upgrade_events | selectattr('error', 'defined') | list)) | first | default({}) }}`,
        seamless_fallback_reason: "{{ seamless_jump.msg | default('') }}",
      },
      when: `${events('started')} | list | length == 0`,
    },
    {
      name: 'Note the run id',
      'ansible.builtin.set_fact': { seamless_run_id: `{{ (${events('started')} | first).id }}` },
    },
    {
      name: 'Wait for the run to end (the restore, the hand-back to systemd, the report)',
      'ansible.builtin.command': { argv: agentArgv('status', '--run', '{{ seamless_run_id }}', '--json') },
      register: 'seamless_status',
      changed_when: false,
      failed_when: false,
      until: 'seamless_status.rc != 75',
      retries: '{{ seamless_status_retries | int }}',
      delay: '{{ seamless_status_delay | int }}',
    },
    {
      name: "Write the run's report on the host",
      'ansible.builtin.command': {
        argv: agentArgv('report', '--run', '{{ seamless_run_id }}', '--out', '{{ seamless_dir }}/report-{{ seamless_run_id }}.json'),
      },
      register: 'seamless_report',
      changed_when: 'seamless_report.rc == 0',
    },
    {
      name: 'Fetch the report to the control node',
      'ansible.builtin.fetch': { src: '{{ seamless_dir }}/report-{{ seamless_run_id }}.json', dest: REPORT_DEST, flat: true },
    },
    {
      name: 'Stop when the upgrade did not restore every workload',
      'ansible.builtin.fail': {
        msg: folded(
          `{{ inventory_hostname }}: upgrade {{ seamless_run_id }} ended {{ seamless_doc.outcome | default('without an outcome') }} (${exitText('seamless_status.rc')}):`,
          `{{ seamless_reason }}; the report: ${REPORT_DEST}`,
        ),
      },
      vars: { seamless_doc: docOf('seamless_status'), seamless_fallback_reason: "{{ seamless_status.stderr | default('') | trim }}" },
      when: 'seamless_status.rc != 0',
    },
    {
      name: 'Read the running kernel',
      'ansible.builtin.command': { argv: ['uname', '-r'] },
      register: 'seamless_uname',
      changed_when: false,
    },
    {
      name: "Stop when the host does not run the plan's kernel",
      'ansible.builtin.fail': {
        msg: "{{ inventory_hostname }}: runs {{ seamless_uname.stdout }}, not the plan's kernel {{ seamless_plan_kernel }}.",
      },
      vars: { seamless_plan_kernel: "{{ (seamless_plan_file.content | b64decode | from_json).kernel.release | default('', true) }}" },
      when: 'seamless_plan_kernel | length > 0 and seamless_uname.stdout | trim != seamless_plan_kernel',
    },
    {
      name: 'Health checks',
      'ansible.builtin.command': { argv: ['timeout', '{{ item.timeoutSeconds }}', '/bin/sh', '-c', '{{ item.command }}'] },
      loop: '{{ seamless_health_checks }}',
      loop_control: { label: '{{ item.name }}' },
      register: 'seamless_health',
      changed_when: false,
      failed_when: false,
    },
    {
      name: 'Stop when a health check fails',
      'ansible.builtin.fail': {
        msg: folded(
          '{{ inventory_hostname }}: health check failed:',
          "{%- for r in seamless_failed_checks %} {{ r.item.name }} ({{ 'timed out after ' ~ r.item.timeoutSeconds ~ ' s' if r.rc == 124 else 'exit ' ~ r.rc }}{{ ': ' ~ (r.stderr | default('') | trim).splitlines() | last if r.stderr | default('') | trim else '' }}){{ ';' if not loop.last else '' }}{%- endfor -%}",
        ),
      },
      vars: { seamless_failed_checks: "{{ seamless_health.results | default([]) | rejectattr('rc', 'equalto', 0) | list }}" },
      when: 'seamless_failed_checks | length > 0',
    },
    {
      // The pause action runs once per batch anyway; run_once says so (the play's strategy is linear).
      [COMMENT]: 'noqa: run-once[task]',
      name: 'Pause between batches',
      'ansible.builtin.pause': { minutes: '{{ seamless_pause_minutes | int }}' },
      run_once: true,
      when: '(seamless_pause_minutes | int) > 0 and ansible_play_hosts_all[-1] not in ansible_play_batch',
    },
  ];
}

/** site.yml: the play. */
export function renderPlaybook(o: AnsibleExportOptions): string {
  const meanings: Record<string, YamlValue> = {};
  for (const { code, meaning } of AGENT_EXIT_TABLE) meanings[String(code)] = meaning;
  const play: Record<string, YamlValue> = {
    name: 'Seamless kernel upgrade (canary first, then batches; one failure stops the rollout)',
    hosts: 'all',
    become: true,
    gather_facts: false,
    // Batches one after the other, each task on every host of a batch before the next (run_once below relies on it).
    strategy: 'linear',
    serial: [1, batchValue(o.batch)],
    max_fail_percentage: o.maxFailPercentage,
    vars: {
      seamless_agent_sha256: o.agent.sha256,
      seamless_agent_version: o.agent.version,
      seamless_health_checks: o.template.healthChecks.map((h) => ({ name: h.name, command: h.command, timeoutSeconds: h.timeoutSeconds })),
      seamless_exit_meanings: meanings,
      seamless_reason: REASON,
    },
    tasks: tasks(),
  };
  return toYaml(
    [play],
    'Written by `seamless export ansible`. Per host: the agent (checked by sha256), the template resolved\n' +
      'and preflighted, the upgrade followed across the kexec, the report fetched, the kernel and health\n' +
      'checks verified. Defaults of the variables: group_vars/all.yml. How to run it: README.md.',
  );
}

export function renderGroupVars(o: AnsibleExportOptions): string {
  return toYaml(
    playDefaults(o),
    'Defaults for every host; set any of them per host or group in the inventory (it wins over these).\n' +
      'seamless_report_dir: where fetched reports go (default: reports/ beside site.yml).',
  );
}

/** Ansible's own default ssh_args, plus keepalives that notice a host gone by kexec within 15 s. */
export const SSH_ARGS = '-C -o ControlMaster=auto -o ControlPersist=60s -o ServerAliveInterval=5 -o ServerAliveCountMax=3';

export function renderAnsibleCfg(o: AnsibleExportOptions): string {
  return [
    '# Written by `seamless export ansible`. Ansible reads this file when run from this folder.',
    '[defaults]',
    ...(o.inventoryFile ? [`inventory = ${o.inventoryFile}`] : []),
    '# Host keys are checked, always: pin them in known_hosts (or ssh_args below), never turn this off.',
    'host_key_checking = True',
    'retry_files_enabled = False',
    'interpreter_python = auto_silent',
    '',
    '[ssh_connection]',
    'pipelining = True',
    '# Keepalives: the kexec drops the host without closing its connections, so without them the',
    "# upgrade task's ssh (and its ControlPersist master) waits for TCP's timeout, about 15 minutes.",
    '# Keep them if you change ssh_args (for example to add -o UserKnownHostsFile=/path/to/known_hosts).',
    `ssh_args = ${SSH_ARGS}`,
    '',
  ].join('\n');
}

export function renderReadme(o: AnsibleExportOptions): string {
  const kernel =
    'newest' in o.template.kernel
      ? 'the newest kernel installed in its /boot'
      : 'release' in o.template.kernel
        ? o.template.kernel.release
        : o.template.kernel.image;
  const inv = o.inventoryFile ? '' : ' -i INVENTORY';
  return `# Seamless rollout

Written by \`seamless export ansible\` from \`${o.templateSource}\`: ${o.template.workloads.join(', ')} carried into ${kernel}
on every host of the inventory, one canary host first, then ${o.batch.kind === 'hosts' ? `${o.batch.n} host${o.batch.n === 1 ? '' : 's'}` : `${o.batch.n} % of the hosts`} at a time${o.pauseMinutes > 0 ? `, ${o.pauseMinutes} min apart` : ''}; the rollout stops when more than ${o.maxFailPercentage} % of a batch fails.

Run it from this folder (Ansible reads \`ansible.cfg\` here; host keys are checked):

    cd ${'<this folder>'}
    ansible-playbook${inv} site.yml

then merge the reports it fetched into one fleet report:

    seamless fleet report reports

Per host (as root, \`become: true\`): checks Node.js 18+; copies the agent to \`seamless_dir\` (0700,
the file 0600) and checks its sha256 (${o.agent.sha256}); copies \`files/plan-template.json\`; resolves it there
(\`seamless-agent resolve\`: the workloads by their names on that host, the kernel, the store) into
\`seamless_dir/plan.json\`; preflight; the dry run when \`seamless_dry_run\`; the upgrade (the
\`reboot\` task's command is \`seamless-agent upgrade --wait\`: it returns at the kexec, and the task
waits for a new boot id); waits until \`seamless-agent status\` stops saying 75; fetches the report to
\`reports/<host>/report.json\` whatever the outcome; then fails on any outcome but \`restored\`, on a
kernel that is not the plan's, and on a failing health check. Every failure names the host, the
agent's exit code and its meaning, and the reason (the problems, the blocking findings, the outcome).

Variables (defaults in \`group_vars/all.yml\`; set them per host or group in the inventory):

| variable | default | what |
| --- | --- | --- |
| \`seamless_dir\` | \`${DEFAULT_SEAMLESS_DIR}\` | the agent's directory on the host (root only) |
| \`seamless_node\` | \`node\` | Node.js 18+ on the host (a path, when root's PATH has none) |
| \`seamless_dry_run\` | \`${o.dryRun}\` | rehearse before the upgrade |
| \`seamless_reboot_timeout\` | \`1800\` | seconds for the jump and the boot until SSH answers |
| \`seamless_status_retries\`, \`seamless_status_delay\` | \`120\`, \`15\` | how long to wait for the run to end after the boot |
| \`seamless_pause_minutes\` | \`${o.pauseMinutes}\` | pause between batches (not after the last) |
| \`seamless_report_dir\` | \`reports/\` here | where fetched reports go |

A host's own known_hosts file: \`ansible_ssh_common_args='-o UserKnownHostsFile=/path/known_hosts'\` on
its inventory line, or \`ssh_args\` in \`ansible.cfg\`.
`;
}
