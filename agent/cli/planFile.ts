// Why: an orchestrator hands the agent a plan file it copied to the host. The file is read as
// the controller reads one (bounded, a regular file, never a FIFO that would hang the agent) and
// validated by the versioned plan schema before anything runs: unreadable, not JSON, another
// version or a wrong field is PLAN_INVALID naming the file and the field, and nothing changes.
import { parsePlan, type Plan } from '../../shared/plan/plan';
import { SeamlessError } from '../../shared/errors';
import { readRegularFile } from '../fs/readOptional';

/** A plan is small JSON; anything much larger is not one. */
export const PLAN_FILE_MAX_BYTES = 1024 * 1024;

export function readPlanFile(path: string): Plan {
  const read = readRegularFile(path, PLAN_FILE_MAX_BYTES + 1);
  if (!read.ok) throw new SeamlessError('PLAN_INVALID', `Cannot read the plan: ${read.reason}`);
  if (read.data.length > PLAN_FILE_MAX_BYTES)
    throw new SeamlessError('PLAN_INVALID', `${path} is not a plan file (larger than ${PLAN_FILE_MAX_BYTES} bytes)`);
  const parsed = parsePlan(read.data.toString('utf8'));
  if (!parsed.ok) throw new SeamlessError('PLAN_INVALID', `${path}: ${parsed.message}`);
  return parsed.plan;
}
