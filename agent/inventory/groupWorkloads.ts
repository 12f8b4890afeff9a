// Why: turns a flat process list into the units an admin selects. A workload is what gets
// dumped as one tree: a systemd service, a container, a login session, a user service, or a
// process tree that belongs to none of those (rooted at a child of init). Init and kernel
// threads are never workloads. Pure: the caller supplies classification and labels.
import { sumFootprints, type ProcessInfo, type Workload } from '../../shared/domain/inventory';
import type { CgroupClass } from './classifyCgroup';

/** What grouping needs of a process (the agent keeps only this while it streams the rest). */
export type GroupProcess = Pick<ProcessInfo, 'pid' | 'ppid' | 'comm' | 'cgroup' | 'kernelThread' | 'memory'>;

export interface GroupInput {
  info: GroupProcess;
  cls: CgroupClass;
}

export interface GroupContext {
  containerLabel(runtime: 'docker' | 'podman' | 'containerd' | 'lxc', id: string): { name: string; image: string | null };
  pageCache(cgroup: string | null, pid: number): Workload['pageCache'];
}

interface Draft {
  id: string;
  kind: Workload['kind'];
  name: string;
  runtime: Workload['runtime'];
  image: string | null;
  containerId: string | null;
  cgroup: string | null;
  members: GroupProcess[];
}

/** The cgroup path up to and including the component that names the unit/container/session. */
function unitCgroup(path: string | null, component: string): string | null {
  if (path === null) return null;
  const i = path.indexOf(component);
  return i === -1 ? path : path.slice(0, i + component.length);
}

export function groupWorkloads(procs: GroupInput[], ctx: GroupContext): Workload[] {
  const byPid = new Map(procs.map((p) => [p.info.pid, p]));
  const drafts = new Map<string, Draft>();
  const add = (key: string, make: () => Omit<Draft, 'members'>, p: GroupProcess) => {
    let d = drafts.get(key);
    if (!d) {
      d = { ...make(), members: [] };
      drafts.set(key, d);
    }
    d.members.push(p);
  };

  /** The top of p's tree among unclassified processes, below init. */
  const treeRoot = (p: GroupProcess): number => {
    let cur = p;
    for (let guard = 0; guard < 4096; guard++) {
      const parent = byPid.get(cur.ppid);
      if (!parent || parent.info.pid === 1 || parent.info.kernelThread || parent.cls.kind !== 'other') return cur.pid;
      cur = parent.info;
    }
    return cur.pid;
  };

  for (const { info: p, cls } of procs) {
    if (p.kernelThread || p.pid === 1 || cls.kind === 'init') continue;
    switch (cls.kind) {
      case 'service':
        add(
          `unit:${cls.unit}`,
          () => ({
            id: `unit:${cls.unit}`,
            kind: 'service',
            name: cls.unit,
            runtime: 'systemd',
            image: null,
            containerId: null,
            cgroup: unitCgroup(p.cgroup, `/${cls.unit}`),
          }),
          p,
        );
        break;
      case 'user-service':
        add(
          `user-unit:${cls.uid}/${cls.unit}`,
          () => ({
            id: `user-unit:${cls.uid}/${cls.unit}`,
            kind: 'user-service',
            name: `${cls.unit} (uid ${cls.uid})`,
            runtime: 'systemd',
            image: null,
            containerId: null,
            cgroup: unitCgroup(p.cgroup, `/${cls.unit}`),
          }),
          p,
        );
        break;
      case 'session':
        add(
          `session:${cls.session}`,
          () => ({
            id: `session:${cls.session}`,
            kind: 'session',
            name: `session ${cls.session} (uid ${cls.uid})`,
            runtime: null,
            image: null,
            containerId: null,
            cgroup: unitCgroup(p.cgroup, `/session-${cls.session}.scope`),
          }),
          p,
        );
        break;
      case 'container': {
        const key = `${cls.runtime}:${cls.containerId}`;
        add(
          key,
          () => {
            const label = ctx.containerLabel(cls.runtime, cls.containerId);
            const cg =
              p.cgroup && p.cgroup.indexOf(cls.containerId) !== -1
                ? p.cgroup.slice(0, p.cgroup.indexOf(cls.containerId) + cls.containerId.length)
                : p.cgroup;
            const scoped = cg && p.cgroup?.startsWith(`${cg}.scope`) ? `${cg}.scope` : cg;
            return {
              id: `container:${label.name}`,
              kind: 'container',
              name: label.name,
              runtime: cls.runtime,
              image: label.image,
              containerId: cls.containerId,
              cgroup: scoped,
            };
          },
          p,
        );
        break;
      }
      case 'other': {
        const root = treeRoot(p);
        const rootInfo = byPid.get(root)?.info ?? p;
        add(
          `pid:${root}`,
          () => ({
            id: `pid:${root}`,
            kind: 'tree',
            name: rootInfo.comm,
            runtime: null,
            image: null,
            containerId: null,
            cgroup: rootInfo.cgroup,
          }),
          p,
        );
        break;
      }
    }
  }

  const workloads: Workload[] = [];
  for (const d of drafts.values()) {
    const pids = new Set(d.members.map((m) => m.pid));
    const roots = d.members.filter((m) => !pids.has(m.ppid)).sort((a, b) => a.pid - b.pid);
    const rootPid = (roots[0] ?? d.members[0]!).pid;
    const memory = sumFootprints(d.members);
    workloads.push({
      id: d.id,
      kind: d.kind,
      name: d.name,
      runtime: d.runtime,
      image: d.image,
      containerId: d.containerId,
      cgroup: d.cgroup,
      rootPid,
      pids: [...pids].sort((a, b) => a - b),
      memory,
      pageCache:
        d.kind === 'tree' && (d.cgroup === null || d.cgroup === '/')
          ? { known: false, reason: 'The tree shares the root cgroup with the rest of the host; see per-file residency.' }
          : ctx.pageCache(d.cgroup, rootPid),
    });
  }
  const size = (w: Workload) => w.memory.pssBytes ?? w.memory.rssBytes;
  return workloads.sort((a, b) => size(b) - size(a) || a.id.localeCompare(b.id));
}
