// Why: `preflight` and `upgrade` read a plan file the same way: unreadable, not JSON, another
// version or a wrong field is a PLAN_INVALID error that names the file and the field.
import { readFileSync } from 'node:fs';
import { SeamlessError } from '../../shared/errors';
import { parsePlan, type Plan } from '../../shared/plan/plan';

export function readPlanFile(path: string): Plan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new SeamlessError('PLAN_INVALID', `Cannot read the plan ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = parsePlan(text);
  if (!parsed.ok) throw new SeamlessError('PLAN_INVALID', `${path}: ${parsed.message}`);
  return parsed.plan;
}
