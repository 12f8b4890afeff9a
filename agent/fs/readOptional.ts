// Why: much of what the agent reads may legitimately be absent (a cgroup without memory
// accounting, a runtime's state file, a tool's log that was never written, /sys entries of
// another architecture). One reader says "absent" as null instead of every module catching.
import { readdirSync, readFileSync } from 'node:fs';

export function readOptional(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The file's text, or '' when it is absent. */
export function readText(path: string): string {
  return readOptional(path) ?? '';
}

export function listOptional(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
