// Why: `seamless export ansible` turns one plan template into a folder an admin runs with
// ansible-playbook: the play, the very agent bundle the app deploys (its sha256 in the play, so
// each host checks what it got), the template, the variables' defaults, a config that keeps
// host-key checking on, the inventory when given, and how to run it. A concrete plan is refused:
// it names one host's PIDs and kernel, and a fleet needs names each host resolves itself.
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SeamlessError } from '../../shared/errors';
import { parsePlan } from '../../shared/plan/plan';
import { isTemplateJson, parsePlanTemplateJson, type PlanTemplate } from '../../shared/plan/planTemplate';
import { loadAgentBundle, type AgentBundle } from '../controller/agentBundle';
import {
  AGENT_FILE,
  TEMPLATE_FILE,
  renderAnsibleCfg,
  renderGroupVars,
  renderPlaybook,
  renderReadme,
  type AnsibleExportOptions,
  type BatchSize,
} from './ansiblePlaybook';

export interface ExportRequest {
  templateFile: string;
  outDir: string;
  inventory: string | null;
  batch: BatchSize;
  pauseMinutes: number;
  dryRun: boolean;
  maxFailPercentage: number;
  force: boolean;
  /** The agent to ship (default: the app's own bundle, as deploys use it). */
  agent?: AgentBundle;
}

const HOW_TO_TEMPLATE = 'make a template: seamless plan --template --select unit:NAME|container:NAME … --kernel newest|RELEASE --out FILE';

/** The template in FILE; a plan for one host, or anything else, is refused with what to do. */
export function readTemplateFile(path: string): PlanTemplate {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SeamlessError('PLAN_INVALID', `Cannot read the template ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new SeamlessError(
      'PLAN_INVALID',
      `${path} is not JSON (${err instanceof Error ? err.message : String(err)}); ${HOW_TO_TEMPLATE}`,
    );
  }
  if (!isTemplateJson(json)) {
    const plan = parsePlan(text);
    throw new SeamlessError(
      'PLAN_INVALID',
      plan.ok
        ? `${path} is a plan for one host (${plan.plan.host}: its PIDs, its kernel); a playbook for many hosts needs a template, which each host resolves itself. To ${HOW_TO_TEMPLATE}`
        : `${path} is neither a plan template nor a plan (${plan.message}); ${HOW_TO_TEMPLATE}`,
    );
  }
  const parsed = parsePlanTemplateJson(json);
  if (!parsed.ok) throw new SeamlessError('PLAN_INVALID', `${path}: ${parsed.message}`);
  // Ansible templates every string it reads: a health check's command must reach the host as written.
  for (const h of parsed.template.healthChecks)
    if (/\{\{|\{%|\{#/.test(h.command))
      throw new SeamlessError(
        'PLAN_INVALID',
        `${path}: health check "${h.name}": its command has Jinja braces ({{, {% or {#), which Ansible would evaluate.`,
      );
  return parsed.template;
}

export interface ExportResult {
  dir: string;
  files: string[];
  agentSha256: string;
}

export function exportAnsible(req: ExportRequest): ExportResult {
  const template = readTemplateFile(req.templateFile);
  const agent = req.agent ?? loadAgentBundle();
  if (existsSync(req.outDir)) {
    if (!statSync(req.outDir).isDirectory()) throw new SeamlessError('PLAN_INVALID', `${req.outDir} is not a folder.`);
    if (readdirSync(req.outDir).length > 0 && !req.force)
      throw new SeamlessError('PLAN_INVALID', `${req.outDir} is not empty; choose an empty folder, or pass --force to write over it.`);
  }
  if (req.inventory !== null && !existsSync(req.inventory))
    throw new SeamlessError('PLAN_INVALID', `The inventory ${req.inventory} does not exist.`);
  const inventoryFile = req.inventory === null ? null : basename(req.inventory);
  if (inventoryFile !== null && ['site.yml', 'ansible.cfg', 'README.md', 'files', 'group_vars', 'reports'].includes(inventoryFile))
    throw new SeamlessError('PLAN_INVALID', `The inventory's name ${inventoryFile} is one the export uses; rename it.`);

  const options: AnsibleExportOptions = {
    template,
    agent: { sha256: agent.sha256, version: agent.version },
    batch: req.batch,
    pauseMinutes: req.pauseMinutes,
    dryRun: req.dryRun,
    maxFailPercentage: req.maxFailPercentage,
    inventoryFile,
    templateSource: basename(req.templateFile),
  };
  // Ansible ignores an ansible.cfg in a world-writable folder: this one is not.
  mkdirSync(join(req.outDir, 'files'), { recursive: true, mode: 0o755 });
  mkdirSync(join(req.outDir, 'group_vars'), { recursive: true, mode: 0o755 });
  const written: [string, string][] = [
    ['site.yml', renderPlaybook(options)],
    ['group_vars/all.yml', renderGroupVars(options)],
    ['ansible.cfg', renderAnsibleCfg(options)],
    ['README.md', renderReadme(options)],
    [TEMPLATE_FILE, `${JSON.stringify(template, null, 2)}\n`],
  ];
  for (const [name, text] of written) writeFileSync(join(req.outDir, name), text, { mode: 0o644 });
  cpSync(agent.path, join(req.outDir, AGENT_FILE));
  const files = [...written.map(([n]) => n), AGENT_FILE];
  if (req.inventory !== null && inventoryFile !== null) {
    cpSync(req.inventory, join(req.outDir, inventoryFile), { recursive: true });
    files.push(inventoryFile);
  }
  return { dir: req.outDir, files: files.sort(), agentSha256: agent.sha256 };
}
