// Why: the remote twin of localAgent.ts. The deployed agent is started as root on its own exec
// channel, without a pty (a pty would echo input, mangle bytes and merge stderr into stdout), so
// stdout carries only protocol lines and stderr is the agent's log. The channel is wrapped in the
// same AgentConnection as the local child and greeted with `hello`, which must report the hash
// of the file that was deployed.
import type { ClientChannel } from 'ssh2';
import { SeamlessError } from '../../../shared/errors';
import type { HelloResult } from '../../../shared/protocol';
import { AgentConnection } from '../agentConnection';
import type { SshConnection } from './connect';
import type { DeployedAgent } from './deploy';
import type { RootRunner } from './root';

export interface RemoteAgent {
  connection: AgentConnection;
  hello: HelloResult;
  /** Settles when the agent's channel closes, with the reason. */
  exited: Promise<SeamlessError>;
  stop(): Promise<void>;
}

export async function startRemoteAgent(
  ssh: SshConnection,
  root: RootRunner,
  deployed: Pick<DeployedAgent, 'runCommand' | 'sha256'>,
  controllerName: string,
  options: { helloTimeoutMs?: number } = {},
): Promise<RemoteAgent> {
  const { command, stdinPrefix } = root.wrap(deployed.runCommand);
  const channel = await new Promise<ClientChannel>((resolve, reject) =>
    ssh.client.exec(command, (err, ch) =>
      err ? reject(new SeamlessError('AGENT_START_FAILED', `Could not open a channel for the agent: ${err.message}`)) : resolve(ch),
    ),
  );
  // sudo reads exactly one line (the password) before the agent gets stdin.
  if (stdinPrefix) channel.write(stdinPrefix);
  const connection = new AgentConnection({ input: channel, output: channel, log: channel.stderr });
  let exitInfo = '';
  channel.on('exit', (code: number | null, signal?: string) => {
    exitInfo = signal ? `signal ${signal}` : `code ${code}`;
  });
  const exited = new Promise<SeamlessError>((resolve) => {
    channel.on('close', () => {
      const reason = ssh.isClosed
        ? new SeamlessError('CONNECTION_LOST', 'The SSH connection to the agent was lost.', { evidence: connection.evidence() })
        : new SeamlessError('AGENT_EXITED', `The agent exited${exitInfo ? ` (${exitInfo})` : ''}.`, { evidence: connection.evidence() });
      connection.close(reason);
      resolve(reason);
    });
  });
  let hello: HelloResult;
  try {
    hello = await withTimeout(connection.hello(controllerName, deployed.sha256), options.helloTimeoutMs ?? 30_000, connection);
  } catch (err) {
    channel.close();
    // Let the channel's close (and the agent's last words on stderr) arrive before reporting.
    const closedReason = await Promise.race([exited, new Promise<null>((r) => setTimeout(() => r(null), 1000))]);
    if (err instanceof SeamlessError && closedReason && err.evidence === undefined && closedReason.evidence) {
      throw new SeamlessError(err.code, err.message, { evidence: closedReason.evidence, details: err.details });
    }
    throw err;
  }
  return {
    connection,
    hello,
    exited,
    async stop() {
      channel.end();
      const timer = setTimeout(() => channel.close(), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, connection: AgentConnection): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new SeamlessError('REQUEST_TIMEOUT', `The agent did not answer hello within ${ms / 1000} s.`, {
            evidence: connection.evidence(),
          }),
        ),
      ms,
    );
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
