// Why: a usage mistake is not a failure of the host: it exits 2 with the usage text, while
// host failures exit with their own codes (exitCodes.ts). One error type marks the difference,
// and each command's usage is written once: `seamless CMD --help` prints it, `--help` all.
import { EXIT_CODES_HELP } from './exitCodes';

export class UsageError extends Error {}

const HOST = 'HOST is --local (this machine), --host lab, or --host user@host[:port] / an ~/.ssh/config alias.';
const CONNECTING = `Connecting: an unknown host key is shown (SHA256) and asked about on a terminal; without one,
pass --accept-host-key SHA256:… after checking it on the host. Passwords are asked, never stored.`;
const JSON_ERRORS = 'With --json, an error is one JSON object on stdout: {"error":{"code","message","evidence"}}.';

export const COMMAND_USAGE = {
  facts: `seamless facts HOST [--json]
  The host's kernel, CPUs, memory, pmem, kernels in /boot, CRIU and kexec.`,
  inventory: `seamless inventory HOST [--json]
  Workloads (services, containers, sessions, process trees) with their memory footprints.`,
  files: `seamless files HOST --select SEL [--json]
  Page cache per file that a workload maps or holds open (read without harming it: a file
  under a lease is not opened, it is listed as skipped).`,
  plan: `seamless plan HOST --select SEL [--select SEL…] --kernel KVER|PATH [--initrd PATH] [--cmdline "…"]
              [--store pmem|/dev/pmemN|DIR] --out FILE [--json]
  Asks the host to build a plan (the same plan.build the app uses) and writes it to FILE.
  Selectors: pid:N unit:NAME container:NAME session:ID.
seamless plan --template --select unit:NAME|container:NAME … --kernel newest|RELEASE|PATH [--initrd PATH] [--cmdline "…"]
              [--store pmem|/dev/pmemN|DIR] [--health NAME=COMMAND …] --out FILE [--json]
  Writes a template for a group of hosts (no host is asked): each host resolves the selectors,
  the kernel (newest: the highest version in its /boot) and its pmem device itself; a host
  where something does not resolve is refused with the problem named. --health adds a check the
  exported playbook runs after the upgrade (exit 0 = healthy, 60 s). Next: seamless export ansible.`,
  preflight: `seamless preflight --plan FILE [--json]
  Every reason the plan could fail; changes nothing on the host. Exits 3 when a finding blocks.`,
  upgrade: `seamless upgrade [HOST] --plan FILE [--json]
  Runs the upgrade (detached on the host) and follows it across the kexec. Exits 0 only when
  every selected workload runs on the new kernel; Ctrl-C stops watching, never the upgrade.`,
  attach: `seamless attach HOST [--id ID] [--json]
  Follows an upgrade already running (default: the newest) from its start, or shows how it ended.`,
  'dry-run': `seamless dry-run [HOST] --plan FILE [--trial-dump] [--json]
  Rehearses the plan without downtime: preflight, calibration (store and disk bandwidth,
  sha256 rate, boot times), a pre-dump round per workload; prints what was measured and the
  estimate before and after. --trial-dump also freezes each workload briefly (said and asked
  first) to time the real dump. Everything written is removed; nothing is staged or kexeced.`,
  report: `seamless report HOST [--id ID] [--format json|md|html|pdf] --out FILE [--json]
  Writes an upgrade's report (default: the newest): every phase promised beside measured,
  workloads before and after, the outcome, evidence. PDF through headless Chromium.`,
  cleanup: `seamless cleanup HOST [--id ID] [--json]
  Removes the images (the workloads' dumped memory) that ended upgrades kept: after a fallback,
  or when the plan said keepImages. Running upgrades are left alone.`,
  fleet: `seamless fleet report DIR [--out PREFIX] [--json]
  Merges the reports a rollout fetched (DIR/<host>.json or DIR/<host>/report.json, as
  \`seamless report --format json\` writes them) into one fleet report: PREFIX.md and
  PREFIX.html (default DIR/fleet-report; a folder as PREFIX gets fleet-report.*). Per host the
  kernels, the blackout promised and measured, the workloads kept, the outcome, worst first;
  every JSON file that is not a report is listed. Contacts no host. Exits 0 when every host was
  restored, else the worst host's code (6, 5, 4), 1 when a host's outcome or a file is unknown.`,
  export: `seamless export ansible --plan TEMPLATE --out DIR [--inventory INV] [--batch N|N%] [--pause MINUTES]
              [--dry-run] [--max-fail-percentage P] [--force] [--json]
  Writes an Ansible playbook that rolls the template over a fleet: DIR/site.yml (one canary
  host, then batches of N hosts or N% (default 1); the rollout stops when more than P% of a
  batch fails, default 0), the agent (files/seamless-agent.cjs, its sha256 checked on each
  host), the template, group_vars/all.yml, ansible.cfg (host keys checked), the inventory when
  given, and README.md. Per host: resolve, preflight, the dry run (--dry-run), the upgrade
  across the kexec, the run's end, the report fetched to DIR/reports/<host>/report.json, the
  kernel and the template's health checks. A plan for one host is refused (make a template).
  DIR must be empty unless --force. Contacts no host. Then: seamless fleet report DIR/reports.`,
  serve: `seamless serve [--port N]
  Serves the app on 127.0.0.1 for a browser (prints the URL with its token).`,
} as const;
export type CommandName = keyof typeof COMMAND_USAGE;
export const isCommand = (c: string | undefined): c is CommandName =>
  c !== undefined && Object.prototype.hasOwnProperty.call(COMMAND_USAGE, c);

/** One command's usage, as `seamless CMD --help` prints it. */
export function commandUsage(command: CommandName): string {
  const hostNote = command === 'preflight' || command === 'serve' || command === 'fleet' || command === 'export' ? '' : `\n${HOST}\n`;
  return `Usage: ${COMMAND_USAGE[command]}\n${hostNote}\n${JSON_ERRORS}\n\n${EXIT_CODES_HELP}`;
}

export const USAGE = `Usage (${HOST}):
${Object.values(COMMAND_USAGE)
  .map((u) => `  ${u.replace(/\n/g, '\n  ')}`)
  .join('\n')}
  seamless --version
  seamless CMD --help                   One command's usage

${CONNECTING}

${JSON_ERRORS}

${EXIT_CODES_HELP}`;

/** The host a command acts on: --local (this machine), or --host lab | user@host[:port] | alias. */
export function hostIdOf(values: { local?: boolean; host?: string }): string {
  if (values.local && values.host !== undefined) throw new UsageError('Give either --local or --host, not both.');
  if (values.local) return 'local';
  if (values.host !== undefined && values.host !== '') return values.host;
  throw new UsageError('Say which host: --local (this machine), --host lab, or --host user@host[:port].');
}
