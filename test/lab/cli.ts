// Why: `npm run lab -- <command>` (= `npx tsx test/lab/cli.ts <command>`): the
// lab for people. A thin argument parser over lab.ts; errors print their
// evidence and exit non-zero.
import { spawnSync } from 'node:child_process';
import { labBuild, labDown, labStatus, labUp, LabError } from './lab.js';
import { requireRunningLab } from './labTarget.js';
import { sshArgs, shellQuote } from './ssh.js';
import { formatStatus } from './statusJson.js';

const USAGE = `usage: npx tsx test/lab/cli.ts <command>

  build [--force]        make the Debian 12 lab image (cached; rebuilt when the recipe changes)
  up [--port N]          boot the lab (builds first if needed), wait for SSH
  down                   poweroff the guest, stop QEMU, drop the overlay
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
      const r = await labUp(port === undefined ? {} : { port });
      if (!r.alreadyRunning) console.log(`ssh: npx tsx test/lab/cli.ts ssh   (port ${r.status.port})`);
      return 0;
    }
    case 'down':
      await labDown();
      return 0;
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
