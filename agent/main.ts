// Why: the agent's entry point. It runs on the target (as root, over an SSH exec channel, or as
// a local child) and speaks JSON lines on stdin/stdout; stderr is its log. It must keep
// answering whatever arrives, and exit cleanly when its input ends. With arguments it is one of
// the detached modes (the upgrade run, the boot hook), or the command line of the agent on its
// own (agent/cli/: preflight, dry-run, upgrade, status, report, for orchestrators).
import { StringDecoder } from 'node:string_decoder';
import { MAX_REQUEST_LINE_BYTES } from '../shared/protocol';
import { createLineSplitter } from '../shared/lineSplitter';
import { createHandlers } from './handlers';
import { createRpcServer } from './rpc/server';
import { createMessageWriter } from './rpc/messageWriter';
import { collectGarbage } from './rpc/collectGarbage';
import { runUpgrade } from './upgrade/run';
import { afterRestore, restoreFromCmdline } from './upgrade/restoreHook';
import { adopt, awaitContainers } from './upgrade/handBack';
import { recoverRun } from './upgrade/recover';
import { runCli } from './cli/runCli';

// Everything the agent and its children (CRIU) write is for root alone: images hold the
// workloads' memory. Directories 0700, files 0600, whatever the login shell's umask was.
process.umask(0o077);

const send = createMessageWriter(process.stdout, collectGarbage);

/** The detached modes: the upgrade run, the boot hook and its helpers (no stdio protocol). */
function runMode(argv: string[]): boolean {
  const [mode, a, b] = argv;
  let job: (() => Promise<number>) | null = null;
  if (mode === '--run-upgrade' && a) job = () => runUpgrade(a);
  else if (mode === '--restore-from-cmdline') job = () => restoreFromCmdline();
  else if (mode === '--adopt' && a && b) job = () => adopt(a, b);
  else if (mode === '--await-containers' && a && b) job = () => awaitContainers(a, b);
  else if (mode === '--after-restore' && a) job = () => afterRestore(a);
  else if (mode === '--recover' && a) job = () => recoverRun(a);
  if (!job) return false;
  job().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`seamless-agent ${mode}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(70);
    },
  );
  return true;
}

function main(): void {
  const argv = process.argv.slice(2);
  if (runMode(argv)) return;
  if (argv.length > 0) {
    // Written out before exiting: stdout may be a pipe an orchestrator reads.
    void runCli(argv).then((code) => process.stdout.write('', () => process.exit(code)));
    return;
  }
  const server = createRpcServer(createHandlers(), send);
  // Requests are answered in order of completion; each is independent. Those still running
  // when stdin ends are finished and answered before the agent exits.
  const inFlight = new Set<Promise<void>>();
  const splitter = createLineSplitter(
    (line) => {
      const p = server.handleLine(line).finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    (bytes) =>
      void send({
        id: null,
        error: { code: 'PROTOCOL_INVALID_MESSAGE', message: `Dropped a line of ${bytes} characters (limit ${MAX_REQUEST_LINE_BYTES})` },
      }),
    MAX_REQUEST_LINE_BYTES,
  );
  const decoder = new StringDecoder('utf8');
  process.stdin.on('data', (chunk: Buffer) => splitter.push(decoder.write(chunk)));
  process.stdin.on('end', () => {
    splitter.push(decoder.end());
    splitter.flush();
    void Promise.allSettled([...inFlight]).then(() => process.stdout.write('', () => process.exit(0)));
  });
  process.on('uncaughtException', (err) => {
    process.stderr.write(`seamless-agent: internal error: ${err.stack ?? err.message}\n`);
  });
  process.stderr.write(`seamless-agent: started, pid ${process.pid}\n`);
}

main();
