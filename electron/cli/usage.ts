// Why: a usage mistake is not a failure of the host: it exits 2 with the usage text, while
// host failures exit 1 with their code and evidence. One error type marks the difference.
export class UsageError extends Error {}

export const USAGE = `Usage:
  seamless facts --local [--json]                  The host's kernel, CPUs, memory, pmem, kernels in /boot, CRIU, kexec
  seamless inventory --local [--json]              Workloads (services, containers, sessions, trees) with memory footprints
  seamless files --local --select SEL [--json]     Page cache per file that a workload maps or holds open (fincore)
  seamless plan --local --select SEL [--select SEL…] --kernel KVER|PATH [--initrd PATH] [--cmdline "…"]
                [--store pmem|/dev/pmemN|DIR] --out FILE
                                                   Write a plan file (selectors: pid:N unit:NAME container:NAME session:ID)
  seamless preflight --plan FILE [--json]          Every reason the plan could fail; changes nothing on the host
  seamless serve [--port N]                        Serve the app on 127.0.0.1 for a browser (prints the URL with its token)
  seamless --version

Exit codes: 0 ok, 1 the host or the plan has a problem (the message says what to do), 2 usage.
`;

/** Only this machine for now: the CLI's --host arrives with the SSH work. */
export function requireLocal(values: { local?: boolean; host?: string }): void {
  if (values.host !== undefined && values.host !== 'local') {
    throw new UsageError(`--host ${values.host}: remote hosts are not available in this build yet. Use --local.`);
  }
  if (!values.local && values.host !== 'local') throw new UsageError('Say which host: --local (this machine).');
}
