// Why: a container is selected by the name its runtime gave it, not by a 64-digit id. The names
// (and images) come from each runtime's own state files, read directly so the agent needs no
// runtime CLI and no socket access. Missing or unreadable state leaves the short id.
import { readOptional } from '../fs/readOptional';

export interface ContainerLabel {
  name: string;
  image: string | null;
}

type Reader = (path: string) => string | null;

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const obj = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;

/** docker: /var/lib/docker/containers/<id>/config.v2.json has Name ("/web") and Config.Image. */
export function dockerLabel(id: string, read: Reader = readOptional): ContainerLabel | null {
  const cfg = obj(parseJson(read(`/var/lib/docker/containers/${id}/config.v2.json`)));
  if (!cfg) return null;
  const name = str(cfg.Name)?.replace(/^\//, '');
  return name ? { name, image: str(obj(cfg.Config)?.Image) } : null;
}

/** podman (root): containers.json lists id, names and image id; images.json maps image ids to names. */
export function podmanLabel(id: string, read: Reader = readOptional): ContainerLabel | null {
  const base = '/var/lib/containers/storage';
  const list = parseJson(read(`${base}/overlay-containers/containers.json`));
  if (!Array.isArray(list)) return null;
  const entry = list.map(obj).find((c) => c !== null && str(c.id) === id);
  const names = entry?.names;
  const name = Array.isArray(names) ? str(names[0]) : null;
  if (!entry || !name) return null;
  const imageId = str(entry.image);
  let image: string | null = imageId;
  const images = parseJson(read(`${base}/overlay-images/images.json`));
  if (imageId && Array.isArray(images)) {
    const img = images.map(obj).find((i) => i !== null && str(i.id) === imageId);
    const imgNames = img?.names;
    if (Array.isArray(imgNames) && str(imgNames[0])) image = str(imgNames[0]);
  }
  return { name, image };
}

/** containerd/CRI: the task's OCI config.json carries the CRI annotations (pod and container name, image). */
export function containerdLabel(id: string, read: Reader = readOptional): ContainerLabel | null {
  for (const ns of ['k8s.io', 'default', 'moby']) {
    const cfg = obj(parseJson(read(`/run/containerd/io.containerd.runtime.v2.task/${ns}/${id}/config.json`)));
    const ann = obj(cfg?.annotations);
    if (!cfg) continue;
    const container = str(ann?.['io.kubernetes.cri.container-name']);
    const pod = str(ann?.['io.kubernetes.cri.sandbox-name']);
    const name = container ? (pod ? `${pod}/${container}` : container) : `${ns}/${id.slice(0, 12)}`;
    return { name, image: str(ann?.['io.kubernetes.cri.image-name']) };
  }
  return null;
}

export function containerLabel(
  runtime: 'docker' | 'podman' | 'containerd' | 'lxc',
  id: string,
  read: Reader = readOptional,
): ContainerLabel {
  const found =
    runtime === 'docker'
      ? dockerLabel(id, read)
      : runtime === 'podman'
        ? podmanLabel(id, read)
        : runtime === 'containerd'
          ? containerdLabel(id, read)
          : { name: id, image: null }; // LXC: the cgroup already carries the container's name
  return found ?? { name: id.slice(0, 12), image: null };
}
