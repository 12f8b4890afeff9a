// Why: an orchestrator hands the agent a plan file it copied to the host: a plan made for this
// host, or a template made for a group (one file for the whole fleet). The file is read as the
// controller reads one (bounded, a regular file, never a FIFO that would hang the agent) and
// validated by its versioned schema before anything runs: unreadable, not JSON, another version
// or a wrong field is PLAN_INVALID naming the file and the field, and nothing changes. A
// template is resolved here, against this host's facts and inventory; what does not resolve is
// PLAN_TEMPLATE_UNRESOLVED with every problem named (exit 3: refused, nothing changed).
import { parsePlan, type Plan } from '../../shared/plan/plan';
import {
  formatTemplateProblems,
  isTemplateJson,
  parsePlanTemplateJson,
  resolvePlanTemplate,
  type PlanTemplate,
} from '../../shared/plan/planTemplate';
import { SeamlessError } from '../../shared/errors';
import { readRegularFile } from '../fs/readOptional';
import { readHostFacts } from '../facts/hostFacts';
import { listInventory } from '../inventory/inventory';

/** A plan is small JSON; anything much larger is not one. */
export const PLAN_FILE_MAX_BYTES = 1024 * 1024;

export type PlanFile = { kind: 'plan'; plan: Plan } | { kind: 'template'; template: PlanTemplate };

/** The file as a plan or a template, told apart by its `kind` (a plan has none). */
export function readPlanOrTemplate(path: string): PlanFile {
  const read = readRegularFile(path, PLAN_FILE_MAX_BYTES + 1);
  if (!read.ok) throw new SeamlessError('PLAN_INVALID', `Cannot read the plan: ${read.reason}`);
  if (read.data.length > PLAN_FILE_MAX_BYTES)
    throw new SeamlessError('PLAN_INVALID', `${path} is not a plan file (larger than ${PLAN_FILE_MAX_BYTES} bytes)`);
  const text = read.data.toString('utf8');
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // parsePlan says it is not JSON, in its words.
  }
  if (isTemplateJson(json)) {
    const t = parsePlanTemplateJson(json);
    if (!t.ok) throw new SeamlessError('PLAN_INVALID', `${path}: ${t.message}`);
    return { kind: 'template', template: t.template };
  }
  const parsed = parsePlan(text);
  if (!parsed.ok) throw new SeamlessError('PLAN_INVALID', `${path}: ${parsed.message}`);
  return { kind: 'plan', plan: parsed.plan };
}

/** A template's plan on this host: its hostname, its workloads' names, its /boot and pmem. */
export async function resolveOnThisHost(template: PlanTemplate): Promise<Plan> {
  const [facts, inventory] = [await readHostFacts(), listInventory({ details: 'none' })];
  const resolved = resolvePlanTemplate(template, facts, inventory, facts.hostname);
  if (resolved.ok) return resolved.plan;
  throw new SeamlessError(
    'PLAN_TEMPLATE_UNRESOLVED',
    `The template does not resolve on ${facts.hostname} (${resolved.problems.length} problem${resolved.problems.length === 1 ? '' : 's'}); nothing was changed.`,
    { evidence: formatTemplateProblems(resolved.problems), details: { problems: resolved.problems } },
  );
}

/** The plan the commands act on: the plan in the file, or the template resolved on this host. */
export async function readPlanFile(path: string): Promise<Plan> {
  const file = readPlanOrTemplate(path);
  return file.kind === 'plan' ? file.plan : resolveOnThisHost(file.template);
}
