// Why: a plan names workloads by selector; the host may have changed since (a PID exited, a
// unit stopped). Resolution is exact and says what did not match; `pid:N` selects the process
// tree rooted at N, whatever workload it sits in.
import { formatSelector, parseSelector, unitName } from './selector';
import { sumFootprints, type Inventory, type Workload } from '../domain/inventory';

export function resolveSelection(
  selectors: string[],
  inv: Inventory,
): { found: { selector: string; workload: Workload }[]; unresolved: string[] } {
  const byId = new Map(inv.workloads.map((w) => [w.id, w]));
  const found: { selector: string; workload: Workload }[] = [];
  const unresolved: string[] = [];
  for (const sel of selectors) {
    const parsed = parseSelector(sel);
    let w =
      byId.get(sel) ?? (parsed?.kind === 'unit' ? byId.get(formatSelector({ kind: 'unit', name: unitName(parsed.name) })) : undefined);
    if (!w && parsed?.kind === 'pid') w = treeAt(parsed.pid, inv);
    if (w) found.push({ selector: sel, workload: w });
    else unresolved.push(sel);
  }
  return { found, unresolved };
}

function treeAt(pid: number, inv: Inventory): Workload | undefined {
  const root = inv.processes.find((p) => p.pid === pid && !p.kernelThread);
  if (!root || pid === 1) return undefined;
  const children = new Map<number, number[]>();
  for (const p of inv.processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p.pid]);
  const pids: number[] = [];
  const stack = [pid];
  while (stack.length > 0) {
    const cur = stack.pop()!;
    pids.push(cur);
    stack.push(...(children.get(cur) ?? []));
  }
  const inTree = new Set(pids);
  const members = inv.processes.filter((p) => inTree.has(p.pid));
  const memory = sumFootprints(members);
  const home = inv.workloads.find((w) => w.pids.includes(pid));
  return {
    id: `pid:${pid}`,
    kind: 'tree',
    name: root.comm,
    runtime: null,
    image: null,
    containerId: null,
    cgroup: root.cgroup,
    rootPid: pid,
    pids: pids.sort((a, b) => a - b),
    memory,
    pageCache: home?.pageCache ?? { known: false, reason: 'not a workload of its own' },
  };
}
