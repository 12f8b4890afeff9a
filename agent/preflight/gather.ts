// Why: builds the one PreflightContext the rules judge, from the live host: facts, inventory,
// the selection resolved and probed, the new kernel's image, initrd and config, and the store.
// Read-only: preflight never changes the host.
import { deviceUse } from '../upgrade/storeDevice';
import { STORE_MOUNT } from '../upgrade/paths';
import { existsSync, statfsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HostFacts } from '../../shared/domain/hostFacts';
import type { Inventory } from '../../shared/domain/inventory';
import type { Plan } from '../../shared/plan/plan';
import { runTool } from '../exec/runTool';
import type { PreflightContext } from './context';
import { newKernelCmdline } from './cmdline';
import { checkKernelImage, parseKernelConfig } from './kernelImage';
import { parseSsUnix, parseSsTcp } from './netTables';
import { parseLocks } from '../proc/locks';
import { readRegularFile, readText } from '../fs/readOptional';
import { probeWorkload } from './probeWorkload';
import { resolveSelection } from '../../shared/plan/resolveSelection';
import { listContainers } from '../containers/listContainers';
import { sh } from '../exec/sh';

const MiB = 1024 * 1024;

function leaseBreakTime(): number | null {
  const text = readText('/proc/sys/fs/lease-break-time').trim();
  return /^\d+$/.test(text) ? Number(text) : null;
}

/** The runtimes' view of the selected containers, and whether their OCI runtimes can checkpoint. */
async function containerFacts(selected: PreflightContext['selected']): Promise<Pick<PreflightContext, 'containers' | 'ociRuntimes'>> {
  if (!selected.some((s) => s.workload.kind === 'container')) return { containers: null, ociRuntimes: [] };
  const containers = await listContainers();
  const ids = new Set(selected.map((s) => s.workload.containerId));
  const names = new Set(
    containers.containers.filter((c) => c.runtime === 'podman' && ids.has(c.id)).flatMap((c) => (c.ociRuntime ? [c.ociRuntime] : [])),
  );
  const ociRuntimes = await Promise.all(
    [...names].map(async (name) => {
      const r = await sh(name, ['--version'], { timeoutMs: 30_000 });
      const evidence = `${name} --version: ${(r.stdout || r.stderr).trim().split('\n').join(' | ')}`;
      // runc checkpoints through the criu binary; crun only when built with it (+CRIU in its feature list).
      return { name, criu: name === 'crun' ? /\+CRIU\b/.test(r.stdout) : r.code === 0, evidence };
    }),
  );
  return { containers, ociRuntimes };
}

async function storeInfo(plan: Plan, facts: HostFacts): Promise<PreflightContext['store']> {
  if (plan.store.kind === 'pmem') {
    const name = plan.store.device.slice('/dev/'.length);
    const dev = facts.pmem.devices.find((d) => d.name === name);
    return {
      kind: 'pmem',
      device: plan.store.device,
      deviceBytes: dev?.sizeBytes ?? null,
      mountedDax: facts.pmem.daxMounts.some((m) => m.device === (plan.store.kind === 'pmem' ? plan.store.device : '')),
      use: dev ? await deviceUse(plan.store.device, STORE_MOUNT).catch(() => null) : null,
    };
  }
  // The store directory may not exist yet: measure the filesystem it will be created on.
  let probe = plan.store.path;
  while (!existsSync(probe) && probe !== '/') probe = dirname(probe);
  try {
    const s = statfsSync(probe);
    return { kind: 'dir', path: plan.store.path, freeBytes: s.bavail * s.bsize, reason: null };
  } catch (err) {
    return { kind: 'dir', path: plan.store.path, freeBytes: null, reason: err instanceof Error ? err.message : String(err) };
  }
}

export async function gatherContext(plan: Plan, facts: HostFacts, inventory: Inventory): Promise<PreflightContext> {
  const { found, unresolved } = resolveSelection(plan.workloads, inventory);
  const [ss, ssTcp] = await Promise.all([runTool('ss', ['-xpnaH']), runTool('ss', ['-tanpeH'])]);
  const tables = {
    // Without ss (iproute2) the external-peer check cannot run: null, and preflight says so.
    unixSockets: ss.installed && ss.code === 0 ? parseSsUnix(ss.stdout) : null,
    tcpSockets: ssTcp.installed && ssTcp.code === 0 ? parseSsTcp(ssTcp.stdout) : null,
    locks: parseLocks(readText('/proc/locks')),
  };
  const selected = found.map(({ selector, workload }) => ({ selector, workload, probe: probeWorkload(workload, inventory, tables) }));

  const head = readRegularFile(plan.kernel.image, 64 * 1024);
  const image = head.ok ? checkKernelImage(head.data) : { ok: false as const, reason: head.reason };
  const release = plan.kernel.release ?? (image.ok ? image.release : null);
  const configPath = release ? `${dirname(plan.kernel.image)}/config-${release}` : null;
  let config: Map<string, string> | null = null;
  if (configPath) {
    const text = readRegularFile(configPath, 4 * MiB);
    config = text.ok ? parseKernelConfig(text.data.toString('utf8')) : null;
  }

  const estimatedImageBytes =
    Math.ceil(
      found.reduce((sum, f) => sum + f.workload.memory.anonBytes + f.workload.memory.shmemBytes + f.workload.memory.swapBytes, 0) * 1.1,
    ) +
    64 * MiB;
  return {
    plan,
    facts,
    inventory,
    selected,
    unresolved,
    newKernel: {
      image,
      initrdExists: plan.kernel.initrd === null ? null : existsSync(plan.kernel.initrd),
      config,
      configPath,
      cmdline: newKernelCmdline(facts.kernel.cmdline, plan.kernel.cmdline),
    },
    store: await storeInfo(plan, facts),
    estimatedImageBytes,
    leaseBreakTimeS: leaseBreakTime(),
    ...(await containerFacts(selected)),
    limits:
      tables.unixSockets === null
        ? [`ss (iproute2) did not run (${ss.installed ? `exit ${ss.code}` : 'not installed'}): unix socket peers were not checked`]
        : [],
  };
}
