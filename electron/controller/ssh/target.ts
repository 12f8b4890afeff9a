// Why: an admin names a server the way they do for ssh(1): `user@host:port`, `host`, or a Host
// alias from ~/.ssh/config with its HostName, User, Port, IdentityFile and ProxyJump. Resolving
// that once, here, into one explicit value means every later step (host key check, login, jump
// hosts) uses the same host, port and user that `ssh <spec>` would have used.
import { readFileSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import { SeamlessError } from '../../../shared/errors';

export interface SshTarget {
  /** What the admin typed (or the ProxyJump item). */
  spec: string;
  /** The Host alias from ~/.ssh/config, when the spec matched a Host block with a HostName. */
  alias: string | null;
  host: string;
  port: number;
  user: string;
  /** IdentityFile values, `~` and `%` tokens expanded, in config order (may be empty). */
  identityFiles: string[];
  /** Jump hosts in connection order, each resolved like a target (the first is dialled directly). */
  proxyJump: SshTarget[];
}

export interface ResolveOptions {
  /** ~/.ssh/config by default; null to ignore any config file. */
  sshConfigPath?: string | null;
  /** Used for `~` and `%d`; defaults to the current user's home. */
  homeDir?: string;
  /** Used when neither the spec nor the config names a user; defaults to the local user. */
  localUser?: string;
}

export interface TargetSpec {
  user?: string;
  host: string;
  port?: number;
}

const MAX_JUMP_DEPTH = 8;

/** Parses `[ssh://][user@]host[:port]`, including `[v6addr]:port`. No config is consulted. */
export function parseTargetSpec(spec: string): TargetSpec {
  let rest = spec.trim();
  if (rest.startsWith('ssh://')) rest = rest.slice('ssh://'.length).replace(/\/$/, '');
  if (rest === '' || /\s/.test(rest)) throw invalid(spec, 'it is empty or contains spaces');
  let user: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at >= 0) {
    user = rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (user === '') throw invalid(spec, 'the user before @ is empty');
  }
  let host = rest;
  let portText: string | undefined;
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(rest);
  if (v6) {
    host = v6[1]!;
    portText = v6[2];
  } else if ((rest.match(/:/g) ?? []).length === 1) {
    [host, portText] = rest.split(':') as [string, string];
  }
  if (host === '' || host.startsWith('-')) throw invalid(spec, 'there is no host name');
  const out: TargetSpec = { host };
  if (user !== undefined) out.user = user;
  if (portText !== undefined) out.port = parsePort(portText, spec);
  return out;
}

function parsePort(text: string, spec: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw invalid(spec, `"${text}" is not a port (1-65535)`);
  return Number(text);
}

function invalid(spec: string, why: string): SeamlessError {
  return new SeamlessError(
    'SSH_TARGET_INVALID',
    `"${spec}" is not a valid target: ${why}. Use user@host:port, user@host, host, or a Host alias from ~/.ssh/config.`,
  );
}

function loadConfig(path: string | null): SSHConfig | null {
  if (path === null) return null;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    return SSHConfig.parse(text);
  } catch (err) {
    throw new SeamlessError(
      'SSH_TARGET_INVALID',
      `Cannot parse ${path}: ${(err as Error).message}. Fix the file or pass the target as user@host:port.`,
    );
  }
}

function one(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** ssh_config(5) TOKENS that make sense here: %% %h %p %r %u %d, and a leading ~. */
function expandPath(raw: string, ctx: { home: string; host: string; port: number; user: string; localUser: string }): string {
  let p = raw.replace(/%([%hprud])/g, (_, t: string) => {
    switch (t) {
      case '%':
        return '%';
      case 'h':
        return ctx.host;
      case 'p':
        return String(ctx.port);
      case 'r':
        return ctx.user;
      case 'u':
        return ctx.localUser;
      default:
        return ctx.home;
    }
  });
  if (p === '~') p = ctx.home;
  else if (p.startsWith('~/')) p = join(ctx.home, p.slice(2));
  return p;
}

/**
 * Resolves a spec as ssh(1) would: values in the spec win, then the first value the config
 * gives (ssh_config(5): "the first obtained value will be used"), then defaults (port 22, the
 * local user). `Match exec` is never run. ProxyCommand and Include are not supported.
 */
export function resolveTarget(spec: string, options: ResolveOptions = {}): SshTarget {
  const home = options.homeDir ?? homedir();
  const localUser = options.localUser ?? userInfo().username;
  const configPath = options.sshConfigPath === undefined ? join(home, '.ssh', 'config') : options.sshConfigPath;
  const config = loadConfig(configPath);
  return resolveWith(spec, config, { home, localUser }, 0);
}

function resolveWith(spec: string, config: SSHConfig | null, ctx: { home: string; localUser: string }, depth: number): SshTarget {
  if (depth > MAX_JUMP_DEPTH) throw invalid(spec, `ProxyJump nests deeper than ${MAX_JUMP_DEPTH} hops (a loop?)`);
  const parsed = parseTargetSpec(spec);
  const computed = config ? config.compute(parsed.host, { ignoreCase: true, matchExec: false } as { ignoreCase: boolean }) : {};
  const hostNameRaw = one(computed.hostname);
  const host = hostNameRaw ? hostNameRaw.replace(/%h/g, parsed.host).replace(/%%/g, '%') : parsed.host;
  const configPort = one(computed.port);
  const port = parsed.port ?? (configPort !== undefined ? parsePort(configPort, spec) : 22);
  const user = parsed.user ?? one(computed.user) ?? ctx.localUser;
  const rawIds =
    computed.identityfile === undefined ? [] : Array.isArray(computed.identityfile) ? computed.identityfile : [computed.identityfile];
  const identityFiles = [...new Set(rawIds.map((raw) => expandPath(raw, { ...ctx, host, port, user })))];
  const jumpRaw = one(computed.proxyjump);
  const proxyJump =
    jumpRaw === undefined || jumpRaw.toLowerCase() === 'none'
      ? []
      : jumpRaw
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
          .flatMap((hop) => {
            // A hop may itself need a jump host: its chain comes first.
            const resolved = resolveWith(hop, config, ctx, depth + 1);
            return [...resolved.proxyJump, { ...resolved, proxyJump: [] }];
          });
  return { spec, alias: hostNameRaw ? parsed.host : null, host, port, user, identityFiles, proxyJump };
}

/** `user@host:port` for messages. */
export function describeTarget(t: Pick<SshTarget, 'user' | 'host' | 'port'>): string {
  const host = t.host.includes(':') ? `[${t.host}]` : t.host;
  return `${t.user}@${host}${t.port === 22 ? '' : `:${t.port}`}`;
}

/** The Host aliases of ~/.ssh/config that name one host (no wildcards, no negations), in file order. */
export function sshConfigAliases(options: Pick<ResolveOptions, 'sshConfigPath' | 'homeDir'> = {}): string[] {
  const home = options.homeDir ?? homedir();
  const path = options.sshConfigPath === undefined ? join(home, '.ssh', 'config') : options.sshConfigPath;
  let config: SSHConfig | null;
  try {
    config = loadConfig(path);
  } catch {
    return []; // an unparsable file is reported when a host from it is used, not when listing
  }
  const out: string[] = [];
  for (const line of config ?? []) {
    if (line.type !== SSHConfig.DIRECTIVE || line.param.toLowerCase() !== 'host') continue;
    const values = Array.isArray(line.value) ? line.value.map((v) => (typeof v === 'string' ? v : v.val)) : [String(line.value)];
    for (const v of values) if (!/[*?!]/.test(v) && !out.includes(v)) out.push(v);
  }
  return out;
}
