// Why: a usage mistake is not a failure of the host: it exits 2 with the usage text, while
// host failures exit 1 with their code and evidence. One error type marks the difference.
export class UsageError extends Error {}

export const USAGE = `Usage (HOST is --local, --host lab, or --host user@host[:port] / an ~/.ssh/config alias):
  seamless facts HOST [--json]                     The host's kernel, CPUs, memory, pmem, kernels in /boot, CRIU, kexec
  seamless inventory HOST [--json]                 Workloads (services, containers, sessions, trees) with memory footprints
  seamless files HOST --select SEL [--json]        Page cache per file that a workload maps or holds open (fincore)
  seamless plan HOST --select SEL [--select SEL…] --kernel KVER|PATH [--initrd PATH] [--cmdline "…"]
                [--store pmem|/dev/pmemN|DIR] --out FILE
                                                   Write a plan file (selectors: pid:N unit:NAME container:NAME session:ID)
  seamless preflight --plan FILE [--json]          Every reason the plan could fail; changes nothing on the host
  seamless upgrade [HOST] --plan FILE [--json]     Run the upgrade (detached on the host) and follow it across the kexec;
                                                   exit 0 only when every selected workload runs on the new kernel
  seamless attach HOST [--id ID] [--json]          Follow an upgrade already running (default: the newest), from its start
  seamless serve [--port N]                        Serve the app on 127.0.0.1 for a browser (prints the URL with its token)
  seamless --version

Connecting: an unknown host key is shown (SHA256) and asked about on a terminal; without one,
pass --accept-host-key SHA256:… after checking it on the host. Passwords are asked, never stored.

Exit codes: 0 ok, 1 the host or the plan has a problem (the message says what to do), 2 usage.
`;

/** The host a command acts on: --local (this machine), or --host lab | user@host[:port] | alias. */
export function hostIdOf(values: { local?: boolean; host?: string }): string {
  if (values.local && values.host !== undefined) throw new UsageError('Give either --local or --host, not both.');
  if (values.local) return 'local';
  if (values.host !== undefined && values.host !== '') return values.host;
  throw new UsageError('Say which host: --local (this machine), --host lab, or --host user@host[:port].');
}
