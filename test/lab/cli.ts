// Why: `npm run lab -- <command>` (= `npx tsx test/lab/cli.ts <command>`): the
// lab for people. A thin argument parser over lab.ts; errors print their
// evidence and exit non-zero.
import { spawnSync } from 'node:child_process';
import { labBuild, labDown, labStatus, labUp, LabError } from './lab.js';
import { requireRunningLab } from './labTarget.js';
import { sshArgs, shellQuote } from './ssh.js';
import { formatStatus } from './statusJson.js';
import { stdoutLog, type LogFn } from './progress.js';
import { BUILD_TOOLS, RUN_TOOLS, missingTools } from './hostTools.js';
import { labDir } from './labPaths.js';
import { findRunningLab } from './labTarget.js';
import { hostProviderPath, writeHostProvider } from './runState.js';

type Stage = 'build' | 'boot' | 'ready' | 'stopping' | 'stopped';

/**
 * `--progress-json`: every line as the app's provider progress (shared/domain/providedHost.ts,
 * version 1), so the app can say build, boot or ready while the lab starts.
 */
function progressLog(json: boolean): { log: LogFn; stage: (s: Stage) => void } {
  if (!json) return { log: stdoutLog, stage: () => {} };
  let stage: Stage = 'build';
  const emit = (message: string) => process.stdout.write(`${JSON.stringify({ version: 1, stage, message })}\n`);
  return {
    log: emit,
    stage: (s) => {
      if (s === stage) return;
      stage = s;
      emit(
        {
          build: 'checking the lab image',
          boot: 'booting the lab VM',
          ready: 'the lab is ready',
          stopping: 'stopping the lab',
          stopped: 'the lab is stopped',
        }[s],
      );
    },
  };
}

const USAGE = `usage: npx tsx test/lab/cli.ts <command>

  build [--force]        make the Debian 12 lab image (cached; rebuilt when the recipe changes)
  up [--port N]          boot the lab (builds first if needed), wait for SSH
  down                   poweroff the guest, stop QEMU, drop the overlay
                         (up and down: --progress-json prints progress as JSON lines, for the app)
  provider               hand the lab to the app: write <cache>/host.json when this machine
                         can build and run the lab (what \`npm start\` and \`npm run serve\` run)
  status [--json]        is it running, where, which kernel
  ssh [-- cmd ...]       SSH into the lab as root (interactive without a command)

cache: $SEAMLESS_LAB_DIR or /var/cache/seamless-lab`;

function parsePort(args: string[]): number | undefined {
  const i = args.indexOf('--port');
  if (i < 0) return undefined;
  const n = Number(args[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new LabError('BAD_ARGUMENT', `--port needs a port number, got ${args[i + 1]}`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'build':
      await labBuild({ force: rest.includes('--force') });
      return 0;
    case 'up': {
      const port = parsePort(rest);
      const p = progressLog(rest.includes('--progress-json'));
      const r = await labUp({ log: p.log, onStage: p.stage, ...(port === undefined ? {} : { port }) });
      if (!r.alreadyRunning) p.log(`ssh: npx tsx test/lab/cli.ts ssh   (port ${r.status.port})`);
      return 0;
    }
    case 'down': {
      const p = progressLog(rest.includes('--progress-json'));
      p.stage('stopping');
      await labDown({ log: p.log });
      p.stage('stopped');
      return 0;
    }
    case 'provider': {
      const missing = missingTools([...BUILD_TOOLS, ...RUN_TOOLS]);
      if (missing.tools.length > 0 || process.getuid?.() !== 0) {
        console.error(
          missing.tools.length > 0
            ? `lab: not offered to the app: this machine lacks ${missing.tools.join(', ')} (apt-get install -y ${missing.packages.join(' ')})`
            : 'lab: not offered to the app: building the lab needs root',
        );
        return 3;
      }
      const root = labDir();
      // Rewritten from the run state, so it also brings a file from an older checkout up to date.
      writeHostProvider(root, findRunningLab(root)?.state ?? null);
      console.log(hostProviderPath(root));
      return 0;
    }
    case 'status': {
      const s = await labStatus();
      console.log(rest.includes('--json') ? JSON.stringify(s, null, 2) : formatStatus(s));
      return 0;
    }
    case 'ssh': {
      const lab = requireRunningLab();
      const dash = rest.indexOf('--');
      const words = dash >= 0 ? rest.slice(dash + 1) : rest;
      const command = words.length > 0 ? (words.length === 1 ? words[0] : shellQuote(words)) : undefined;
      const interactive = command === undefined && process.stdin.isTTY === true;
      const r = spawnSync('ssh', sshArgs(lab.target, { tty: interactive }, command), { stdio: 'inherit' });
      return r.status ?? 1;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`unknown command: ${command}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof LabError) console.error(`lab: ${err.code}: ${err.message}`);
    else console.error(err);
    process.exit(1);
  },
);
