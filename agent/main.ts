// Why: the agent's entry point. It runs on the target (as root, over an SSH exec channel, or as
// a local child) and speaks JSON lines on stdin/stdout; stderr is its log. It must keep
// answering whatever arrives, and exit cleanly when its input ends.
import { StringDecoder } from 'node:string_decoder';
import { MAX_LINE_BYTES } from '../shared/protocol';
import { createLineSplitter } from '../shared/lineSplitter';
import { createHandlers } from './handlers';
import { createRpcServer, type Outgoing } from './rpc/server';

function send(msg: Outgoing): void {
  process.stdout.write(`${JSON.stringify(msg)}\n`);
}

function main(): void {
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
      send({
        id: null,
        error: { code: 'PROTOCOL_INVALID_MESSAGE', message: `Dropped a line of ${bytes} characters (limit ${MAX_LINE_BYTES})` },
      }),
    MAX_LINE_BYTES,
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
