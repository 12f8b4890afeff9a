// Why: several steps need "this process and everything below it" (a restored tree to move out
// of the hook's cgroup, to stop before a jump back). The kernel lists each task's children in
// /proc/PID/task/TID/children; one walk here, over any children function, so the walk itself is
// testable without a live /proc.
import { listOptional, readText } from '../fs/readOptional';

/** The pids of the tree rooted at `root` (root included, while it exists), ascending. */
export function walkTree(root: number, childrenOf: (pid: number) => number[] | null): number[] {
  const out: number[] = [];
  const seen = new Set<number>();
  const stack = [root];
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    const children = childrenOf(pid);
    if (children === null) continue; // gone
    seen.add(pid);
    out.push(pid);
    stack.push(...children);
  }
  return out.sort((a, b) => a - b);
}

/** The children of `pid` from /proc (every thread's list), or null when the process is gone. */
export function procChildren(pid: number): number[] | null {
  const tasks = listOptional(`/proc/${pid}/task`);
  if (tasks.length === 0) return null;
  return tasks.flatMap((t) => readText(`/proc/${pid}/task/${t}/children`).trim().split(/\s+/).filter(Boolean).map(Number));
}

/** The pids of a live process tree. */
export const treePids = (root: number): number[] => walkTree(root, procChildren);
