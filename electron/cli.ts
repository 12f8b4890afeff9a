// Why: the `seamless` command. It drives the very same controller as the app, so anything the
// UI can do can be scripted, and every failure prints its code, what to do, and the evidence.
import { parseArgs } from 'node:util';
import { LOCAL_HOST_ID } from '../shared/domain/host';
import { SeamlessError, toErrorInfo } from '../shared/errors';
import { createController } from './controller/controller';
import { APP_VERSION } from './controller/version';
import { formatFacts } from './cli/factsFormat';
import { startServer } from './serve';

const USAGE = `Usage:
  seamless facts --local [--json]     Show this machine's kernel, CPUs and memory (read by the agent)
  seamless serve [--port N]           Serve the app on 127.0.0.1 for a browser (prints the URL with its token)
  seamless --version
`;

class UsageError extends Error {}

async function facts(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { local: { type: 'boolean' }, json: { type: 'boolean' }, host: { type: 'string' } },
    strict: true,
  });
  if (values.host !== undefined) {
    throw new UsageError('--host is not available yet: this build reads this machine only. Use --local.');
  }
  if (!values.local) throw new UsageError('Say which host: --local (this machine).');
  const controller = createController({ transport: 'ipc', version: APP_VERSION });
  try {
    const f = await controller.api['host.facts']({ hostId: LOCAL_HOST_ID });
    process.stdout.write(values.json ? `${JSON.stringify(f, null, 2)}\n` : `${formatFacts('this machine', f)}\n`);
    return 0;
  } finally {
    await controller.close();
  }
}

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' } }, strict: true });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not "${values.port}"`);
  const server = await startServer({ port, version: APP_VERSION });
  process.stdout.write(
    `Seamless is serving on ${server.url}\nOpen that URL in a browser on this machine (or through an SSH tunnel). Ctrl-C stops it.\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'facts':
        return await facts(rest);
      case 'serve':
        return await serve(rest);
      case '--version':
      case 'version':
        process.stdout.write(`${APP_VERSION}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (err) {
    if (err instanceof UsageError || (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`seamless: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    const info = toErrorInfo(err);
    process.stderr.write(`seamless: ${info.code}: ${info.message}\n`);
    if (info.evidence) process.stderr.write(`evidence:\n${info.evidence.replace(/^/gm, '  ')}\n`);
    return err instanceof SeamlessError ? 1 : 70;
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
