// Why: the admin thinks in services, containers and sessions, and the kernel already knows
// which is which: systemd, logind and every container runtime name the cgroups they create.
// This reads those names (cgroup v2 paths and v1 name=systemd paths share the layout).

export type CgroupClass =
  | { kind: 'service'; unit: string }
  | { kind: 'user-service'; uid: number; unit: string }
  | { kind: 'session'; session: string; uid: number }
  | { kind: 'container'; runtime: 'docker' | 'podman' | 'containerd' | 'lxc'; containerId: string }
  | { kind: 'init' }
  | { kind: 'other' };

const HEX_ID = '([0-9a-f]{12,64})';

const CONTAINER_RULES: [RegExp, 'docker' | 'podman' | 'containerd' | 'lxc'][] = [
  [new RegExp(`/docker-${HEX_ID}\\.scope(?:/|$)`), 'docker'],
  [new RegExp(`^/docker/${HEX_ID}(?:/|$)`), 'docker'],
  [new RegExp(`/libpod-(?!conmon-)${HEX_ID}\\.scope(?:/|$)`), 'podman'],
  [new RegExp(`^/machine\\.slice/libpod-(?!conmon-)${HEX_ID}(?:/|$)`), 'podman'],
  [new RegExp(`/cri-containerd-${HEX_ID}\\.scope(?:/|$)`), 'containerd'],
  [new RegExp(`^/kubepods(?:/[^/]+)*/pod[0-9a-f-]+/${HEX_ID}(?:/|$)`), 'containerd'],
  [/^\/lxc\.payload\.([^/]+)(?:\/|$)/, 'lxc'],
  [/^\/lxc\/([^/]+)(?:\/|$)/, 'lxc'],
];

export function classifyCgroup(path: string | null): CgroupClass {
  if (path === null || path === '/' || path === '') return { kind: 'other' };
  for (const [re, runtime] of CONTAINER_RULES) {
    const m = re.exec(path);
    if (m) return { kind: 'container', runtime, containerId: m[1]! };
  }
  if (path === '/init.scope') return { kind: 'init' };
  const userService = /^\/user\.slice\/(?:[^/]+\.slice\/)*user-(\d+)\.slice\/user@\d+\.service(?:\/.*)?\/([^/]+\.service)(?:\/|$)/.exec(
    path,
  );
  if (userService) return { kind: 'user-service', uid: Number(userService[1]), unit: userService[2]! };
  const session = /^\/user\.slice\/(?:[^/]+\.slice\/)*user-(\d+)\.slice\/session-([^/]+)\.scope(?:\/|$)/.exec(path);
  if (session) return { kind: 'session', uid: Number(session[1]), session: session[2]! };
  // A system service, possibly in a nested slice; the first ".service" component is the unit
  // (anything below it is the service's own sub-cgroups).
  const service = /^\/(?:[^/]+\.slice\/)*([^/]+\.service)(?:\/|$)/.exec(path);
  if (service) return { kind: 'service', unit: service[1]! };
  return { kind: 'other' };
}
