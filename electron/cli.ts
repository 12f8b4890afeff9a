// Why: the `seamless` command. It drives the very same controller as the app, so anything the
// UI can do can be scripted, and every failure prints its code, what to do, and the evidence.
import { parseArgs } from 'node:util';
import { SeamlessError, toErrorInfo } from '../shared/errors';
import { createController, type Controller } from './controller/controller';
import { hostProviderFiles } from './controller/hosts/providedHosts';
import { terminalPrompter } from './cli/terminalPrompter';
import { APP_VERSION } from './controller/version';
import {
  factsCommand,
  filesCommand,
  inventoryCommand,
  planCommand,
  preflightCommand,
  type ControllerFactory,
} from './cli/commands/hostCommands';
import { commandUsage, isCommand, USAGE, UsageError } from './cli/usage';
import { EXIT } from './cli/exitCodes';
import { attachCommand, upgradeCommand } from './cli/commands/upgradeCommands';
import { dryRunCommand, reportCommand, cleanupCommand } from './cli/commands/reportCommands';
import { fleetCommand } from './cli/commands/fleetCommands';
import { exportCommand } from './cli/commands/exportCommands';
import { startServer } from './serve';

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string' } }, strict: true });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not "${values.port}"`);
  const server = await startServer({ port, version: APP_VERSION });
  process.stdout.write(
    `Seamless is serving on ${server.url}\nOpen that URL in a browser on this machine (or through an SSH tunnel). Ctrl-C stops it.\n`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  return 0;
}

const HOST_COMMANDS = {
  facts: factsCommand,
  inventory: inventoryCommand,
  files: filesCommand,
  plan: planCommand,
  preflight: preflightCommand,
  upgrade: upgradeCommand,
  attach: attachCommand,
  'dry-run': dryRunCommand,
  report: reportCommand,
  cleanup: cleanupCommand,
} as const;

const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h');

/** Prints an error the way the command was asked to speak: one JSON object on stdout with --json, else words on stderr. */
function report(err: unknown, json: boolean): number {
  const usage = err instanceof UsageError || (err instanceof Error && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'));
  const info: { code: string; message: string; evidence?: string } = usage
    ? { code: 'USAGE', message: (err as Error).message }
    : toErrorInfo(err);
  const code = usage
    ? EXIT.usage
    : info.code === 'PREFLIGHT_BLOCKED'
      ? EXIT.refused
      : err instanceof SeamlessError
        ? EXIT.problem
        : EXIT.internal;
  if (json) {
    const { code: c, message, evidence } = info;
    process.stdout.write(`${JSON.stringify({ error: { code: c, message, ...(evidence ? { evidence } : {}) } })}\n`);
  } else if (usage) process.stderr.write(`seamless: ${info.message}\n\n${USAGE}`);
  else {
    process.stderr.write(`seamless: ${info.code}: ${info.message}\n`);
    if (info.evidence) process.stderr.write(`evidence:\n${info.evidence.replace(/^/gm, '  ')}\n`);
  }
  return code;
}

export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (isCommand(command) && wantsHelp(rest)) {
    process.stdout.write(commandUsage(command));
    return EXIT.ok;
  }
  try {
    if (command !== undefined && Object.prototype.hasOwnProperty.call(HOST_COMMANDS, command)) {
      let controller: Controller | null = null;
      const make: ControllerFactory = (accept) => {
        controller ??= createController({
          transport: 'ipc',
          version: APP_VERSION,
          prompter: terminalPrompter,
          acceptHostKey: accept ? new Map([[accept.hostId, accept.fingerprint]]) : undefined,
          hostProviders: hostProviderFiles(),
        });
        return controller;
      };
      try {
        return await HOST_COMMANDS[command as keyof typeof HOST_COMMANDS](make, rest);
      } finally {
        await (controller as Controller | null)?.close();
      }
    }
    switch (command) {
      case 'serve':
        return await serve(rest);
      case 'fleet':
        return await fleetCommand(rest);
      case 'export':
        return await exportCommand(rest);
      case '--version':
      case 'version':
        process.stdout.write(`${APP_VERSION}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? EXIT.usage : EXIT.ok;
      default:
        throw new UsageError(`Unknown command "${command}".`);
    }
  } catch (err) {
    return report(err, rest.includes('--json'));
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => process.exit(code));
}
