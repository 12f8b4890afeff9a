// Why: the agent must be on the target, exactly the build this controller expects, before it can
// run. Files live in /var/lib/seamless/agent/<sha256>/, owned by root: the agent runs as root, so
// a copy that the login user (or anything running as that user) could change would be a way to
// root; root-owned, and checked with sha256sum after it is in place, it is not. Keyed by content
// hash, a copy that is already there and intact is reused, and builds never overwrite each other.
// A target with Node 18+ gets the small .cjs bundle; x86-64 glibc targets without Node get the
// self-contained executable; anything else gets AGENT_NO_RUNTIME saying what to install.
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { SeamlessError, tailOf } from '../../../shared/errors';
import { AGENT_NODE_ARGS, type AgentBundle } from '../agentBundle';
import type { AgentExecutable } from './agentExecutableManifest';
import type { CommandQueue } from './exec';
import { extractMarked, markedScript, parseKeyValues, shQuote } from './remoteScript';
import type { RootRunner } from './root';

export const AGENT_STORE_DIR = '/var/lib/seamless/agent';
const MIN_NODE_MAJOR = 18;

export interface RemotePlatform {
  /** `uname -s`, e.g. Linux. */
  os: string;
  /** `uname -m`, e.g. x86_64, aarch64. */
  arch: string;
  uid: number;
  home: string;
  /** The first `node` or `nodejs` found, with its version; null when there is none. */
  node: { path: string; version: string; major: number } | null;
  /** e.g. "2.36" from `getconf GNU_LIBC_VERSION`; null on musl or when unknown. */
  glibc: string | null;
}

export interface AgentArtifacts {
  bundle: AgentBundle;
  executable: AgentExecutable | null;
}

export interface DeployOptions {
  /** The PATH in which to look for node (default: the login PATH plus the usual system dirs). */
  nodeSearchPath?: string;
  /** Use SFTP when the server offers it (default), or always stream with `cat >`. */
  transfer?: 'auto' | 'cat';
  /** Root-owned directory for agent files; default /var/lib/seamless/agent (tests use their own). */
  storeDir?: string;
}

export interface DeployedAgent {
  kind: 'node' | 'executable';
  remotePath: string;
  sha256: string;
  bytes: number;
  /** Shell command line (for root) that starts the agent on stdin/stdout. */
  runCommand: string;
  method: 'cached' | 'sftp' | 'cat';
  uploadMs: number;
  totalMs: number;
  platform: RemotePlatform;
}

/** Parses the probe script's `key=value` output (pure; tested on captured text). */
export function parsePlatform(body: string): RemotePlatform {
  const kv = parseKeyValues(body);
  const nodePath = kv.get('node') ?? '';
  const versionText = kv.get('nodeVersion') ?? '';
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(versionText);
  const glibc = /(\d+\.\d+)/.exec(kv.get('glibc') ?? '');
  return {
    os: kv.get('os') ?? '',
    arch: kv.get('arch') ?? '',
    uid: Number(kv.get('uid') ?? '-1'),
    home: kv.get('home') ?? '',
    node: nodePath.startsWith('/') && m ? { path: nodePath, version: versionText, major: Number(m[1]) } : null,
    glibc: glibc ? glibc[1]! : null,
  };
}

export async function probePlatform(commands: CommandQueue, options: DeployOptions = {}): Promise<RemotePlatform> {
  const searchPath = options.nodeSearchPath ?? '$PATH:/usr/local/bin:/usr/bin:/bin:/opt/node/bin:/snap/bin';
  const script = markedScript(
    [
      'echo "os=$(uname -s)"',
      'echo "arch=$(uname -m)"',
      'echo "uid=$(id -u)"',
      'echo "home=$HOME"',
      `n=$(PATH=${searchPath.includes('$PATH') ? `"${searchPath}"` : shQuote(searchPath)}; command -v node 2>/dev/null || command -v nodejs 2>/dev/null)`,
      'echo "node=$n"',
      '[ -n "$n" ] && echo "nodeVersion=$("$n" --version 2>/dev/null)"',
      'echo "glibc=$(getconf GNU_LIBC_VERSION 2>/dev/null)"',
      'true',
    ].join('\n'),
  );
  const out = await commands.run(script.command, { timeoutMs: 30_000 });
  const marked = extractMarked(out.stdout, script);
  if (!marked)
    throw new SeamlessError('AGENT_DEPLOY_FAILED', 'Could not read the target platform (uname, node --version).', {
      evidence: tailOf(out.stderr + out.stdout),
    });
  return parsePlatform(marked.body);
}

function versionAtLeast(have: string, need: string): boolean {
  const [a1 = 0, a2 = 0] = have.split('.').map(Number);
  const [b1 = 0, b2 = 0] = need.split('.').map(Number);
  return a1 > b1 || (a1 === b1 && a2 >= b2);
}

/**
 * Why root must not run the node at the end of `statLines` ("uid mode path" for the real file,
 * then every directory above it up to /), or null when only root could have put it there.
 */
export function untrustedReason(statLines: string): string | null {
  const lines = statLines
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '');
  if (lines.length === 0) return 'it could not be examined';
  for (const line of lines) {
    const m = /^(\d+) ([0-7]+) (.+)$/.exec(line.trim());
    if (!m) return `it could not be examined (${line.trim()})`;
    const [, uid, mode, path] = m;
    if (uid !== '0') return `${path} belongs to uid ${uid}, not root`;
    // Sticky directories (/tmp) still let others add files: not a place for root's programs.
    if ((Number.parseInt(mode!, 8) & 0o022) !== 0) return `${path} is writable by others than root (mode ${mode})`;
  }
  return null;
}

/** Checks, as root, that the node found can be run as root (see untrustedReason); its real path when it can. */
async function trustedNode(root: RootRunner, node: string): Promise<{ path: string } | { why: string }> {
  const script = markedScript(
    [
      `r=$(readlink -f -- ${shQuote(node)}) || exit 3`,
      'echo "real=$r"',
      'p=$r',
      'while :; do stat -c "stat=%u %a %n" -- "$p" || exit 3; [ "$p" = / ] && break; p=$(dirname -- "$p"); done',
    ].join('\n'),
  );
  const out = await root.run(script.command, { timeoutMs: 30_000 });
  const marked = extractMarked(out.stdout, script);
  const kv = (marked?.body ?? '').split('\n');
  const real = kv.find((l) => l.startsWith('real='))?.slice(5);
  const stats = kv
    .filter((l) => l.startsWith('stat='))
    .map((l) => l.slice(5))
    .join('\n');
  if (!marked || marked.status !== 0 || !real) return { why: `${node} could not be examined` };
  const why = untrustedReason(stats);
  return why ? { why: `${node} → ${why}` } : { path: real };
}

/** Chooses what to deploy for a platform, or explains what is missing. `nodeDoubt`: why the node found may not run as root. */
export function chooseArtifact(
  platform: RemotePlatform,
  artifacts: AgentArtifacts,
  nodeDoubt: string | null = null,
): { kind: 'node' | 'executable'; file: string; sha256: string; bytes: number; name: string } {
  if (platform.node && platform.node.major >= MIN_NODE_MAJOR && nodeDoubt === null) {
    const b = artifacts.bundle;
    return { kind: 'node', file: b.path, sha256: b.sha256, bytes: b.bytes, name: 'seamless-agent.cjs' };
  }
  const have = !platform.node
    ? 'no Node.js'
    : nodeDoubt
      ? `Node at ${platform.node.path}, which root must not run (${nodeDoubt})`
      : `Node ${platform.node.version} at ${platform.node.path} (too old)`;
  const seaFits = platform.os === 'Linux' && platform.arch === 'x86_64' && platform.glibc !== null;
  if (seaFits && artifacts.executable && versionAtLeast(platform.glibc!, artifacts.executable.minGlibc)) {
    const e = artifacts.executable;
    return { kind: 'executable', file: e.path, sha256: e.sha256, bytes: e.bytes, name: 'seamless-agent' };
  }
  let why: string;
  if (!seaFits)
    why = `Seamless can bring its own runtime only to x86-64 Linux with glibc; this host is ${platform.os} ${platform.arch}${platform.glibc ? '' : ' without glibc'}`;
  else if (!artifacts.executable) why = 'the self-contained agent executable was not built (npm run build on x86-64 Linux)';
  else why = `its glibc ${platform.glibc} is older than ${artifacts.executable.minGlibc}`;
  throw new SeamlessError(
    'AGENT_NO_RUNTIME',
    `The target has ${have}, and ${why}. Install Node.js ${MIN_NODE_MAJOR} or newer there from the distribution, owned by root (Debian/Ubuntu: apt-get install nodejs; RHEL/Fedora: dnf install nodejs; Alpine: apk add nodejs), then connect again.`,
    { details: { platform } },
  );
}

/** Makes sure the right agent file is in place (uploading only if needed) and says how to run it. */
export async function deployAgent(
  commands: CommandQueue,
  root: RootRunner,
  artifacts: AgentArtifacts,
  options: DeployOptions = {},
): Promise<DeployedAgent> {
  const started = Date.now();
  const platform = await probePlatform(commands, options);
  // The agent runs as root: a node the login user (or anyone but root) could replace would be a
  // way to root. Only a node that root alone can change, file and every directory above it.
  let nodeDoubt: string | null = null;
  if (platform.node && platform.node.major >= MIN_NODE_MAJOR) {
    const t = await trustedNode(root, platform.node.path);
    if ('why' in t) nodeDoubt = t.why;
    else platform.node = { ...platform.node, path: t.path };
  }
  const art = chooseArtifact(platform, artifacts, nodeDoubt);
  const dir = `${options.storeDir ?? AGENT_STORE_DIR}/${art.sha256}`;
  const remotePath = `${dir}/${art.name}`;
  const runCommand =
    art.kind === 'node' ? `exec ${shQuote(platform.node!.path)} ${AGENT_NODE_ARGS.join(' ')} ${remotePath}` : `exec ${remotePath}`;
  const result = (method: DeployedAgent['method'], uploadMs: number): DeployedAgent => ({
    kind: art.kind,
    remotePath,
    sha256: art.sha256,
    bytes: art.bytes,
    runCommand,
    method,
    uploadMs,
    totalMs: Date.now() - started,
    platform,
  });

  // Already there and intact? (Checked as root: /var/lib/seamless may be private.)
  const check = markedScript(`if [ -f ${remotePath} ]; then sha256sum ${remotePath}; fi`);
  const existing = await root.run(check.command, { timeoutMs: 120_000 });
  const existingHash = extractMarked(existing.stdout, check)?.body.trim().split(/\s+/)[0];
  if (existingHash === art.sha256) return result('cached', 0);

  const nonce = Math.random().toString(36).slice(2, 10);
  const tmp = `${dir}/.upload-${nonce}`;
  const uploadStarted = Date.now();
  let method: 'sftp' | 'cat' = 'cat';
  let staged: string | null = null;
  // Root's alone: /var/lib/seamless also holds the upgrades' state and images.
  const base = options.storeDir ?? AGENT_STORE_DIR;
  const prepare = await root.run(`umask 077; mkdir -p ${dir}${base === AGENT_STORE_DIR ? ' && chmod 0700 /var/lib/seamless' : ''}`, {
    timeoutMs: 30_000,
  });
  if (prepare.code !== 0) throw deployFailed(`could not create ${dir}`, prepare.stderr);

  if (options.transfer !== 'cat') {
    // SFTP runs as the login user: straight into place when that is root, else into a private
    // staging directory in the user's home from which root copies it.
    const target = platform.uid === 0 ? tmp : `${platform.home}/.cache/seamless/upload-${nonce}`;
    if (platform.uid !== 0) {
      const mk = markedScript(`umask 077; mkdir -p ${shQuote(`${platform.home}/.cache/seamless`)}`);
      await commands.run(mk.command, { timeoutMs: 30_000 });
    }
    if (await sftpUpload(commands, art.file, target)) {
      method = 'sftp';
      if (platform.uid !== 0) staged = target;
    }
  }
  if (method === 'cat') {
    const cat = await root.run(`umask 077; cat > ${tmp}`, { stdin: () => createReadStream(art.file), timeoutMs: 600_000 });
    if (cat.code !== 0) throw deployFailed(`could not write ${tmp}`, cat.stderr);
  }
  const finish = markedScript(installScript(staged, tmp, remotePath, art.sha256));
  const done = await root.run(finish.command, { timeoutMs: 120_000 });
  const marked = extractMarked(done.stdout, finish);
  if (!marked || marked.status !== 0) {
    const got = marked ? parseKeyValues(marked.body).get('hash') : undefined;
    throw deployFailed(
      got === 'not-a-regular-file'
        ? `the staged upload was replaced by something that is not a regular file (a link?): refused`
        : got && got !== art.sha256
          ? `the uploaded file's sha256 is ${got}, expected ${art.sha256} (corrupted in transfer?)`
          : `could not install ${remotePath}`,
      done.stderr,
    );
  }
  return result(method, Date.now() - uploadStarted);
}

/**
 * The root script that puts an uploaded agent in place: copy the staged file (if the upload went
 * to the login user's home) without following a link (the login user could have swapped it for
 * one), into a file only root can read, check its hash, and only then make it root's program and
 * move it into place. Prints `hash=…`; exits 3 when the file is refused.
 */
export function installScript(staged: string | null, tmp: string, remotePath: string, sha256: string): string {
  return [
    'set -e',
    'umask 077',
    staged ? `cp -P --no-preserve=all -- ${shQuote(staged)} ${tmp}; rm -f -- ${shQuote(staged)}` : ':',
    `if [ -L ${tmp} ] || [ ! -f ${tmp} ]; then rm -f -- ${tmp}; echo "hash=not-a-regular-file"; exit 3; fi`,
    `h=$(sha256sum ${tmp} | cut -d' ' -f1)`,
    'echo "hash=$h"',
    `if [ "$h" != ${sha256} ]; then rm -f ${tmp}; exit 3; fi`,
    `chown 0:0 ${tmp}; chmod 0700 ${tmp}`,
    `mv -f ${tmp} ${remotePath}`,
  ].join('\n');
}

function deployFailed(what: string, stderr: string): SeamlessError {
  return new SeamlessError(
    'AGENT_DEPLOY_FAILED',
    `Deploying the agent failed: ${what}. Check free space and permissions under ${AGENT_STORE_DIR}.`,
    {
      evidence: tailOf(stderr),
    },
  );
}

/** Uploads over SFTP, one request at a time; false when the server has no SFTP subsystem. */
async function sftpUpload(commands: CommandQueue, localPath: string, remotePath: string): Promise<boolean> {
  return commands.exclusive(async () => {
    let sftp;
    try {
      sftp = await commands.sftp();
    } catch {
      return false; // "Unable to start subsystem: sftp": fall back to cat over exec
    }
    try {
      await pipeline(createReadStream(localPath, { highWaterMark: 256 * 1024 }), sftp.createWriteStream(remotePath, { mode: 0o600 }));
      return true;
    } catch (err) {
      throw deployFailed(`SFTP upload to ${remotePath} failed: ${(err as Error).message}`, '');
    } finally {
      sftp.end();
    }
  });
}
