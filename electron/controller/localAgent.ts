// Why: "This machine" is planned through the same agent and protocol as a remote host, only
// started as a child process instead of over SSH. Keeping that the only difference means the
// local slice exercises the real wire end to end.
import { spawn } from 'node:child_process';
import { SeamlessError } from '../../shared/errors';
import { AgentConnection } from './agentConnection';
import { AGENT_NODE_ARGS, type AgentBundle } from './agentBundle';
import type { AgentExecutable } from './ssh/agentExecutableManifest';

/** How the local agent is run: the bundle under this Node, or the self-contained executable. */
export interface LocalAgentProgram {
  command: string;
  args: string[];
  /** The build hash the agent must greet with. */
  sha256: string;
}

/**
 * Under plain Node, the bundle with this very Node. Under Electron, whose fuses forbid running it
 * as Node (no ELECTRON_RUN_AS_NODE), the self-contained executable.
 */
export function localAgentProgram(
  bundle: AgentBundle,
  executable: AgentExecutable | null,
  electron = process.versions.electron,
): LocalAgentProgram {
  if (!electron) return { command: process.execPath, args: [...AGENT_NODE_ARGS, bundle.path], sha256: bundle.sha256 };
  if (!executable)
    throw new SeamlessError(
      'AGENT_NOT_BUILT',
      'The desktop app runs this machine’s agent as its self-contained executable, which this build lacks. Run: npm run build',
    );
  return { command: executable.path, args: [], sha256: executable.sha256 };
}

export interface StartedAgent {
  connection: AgentConnection;
  stop(): Promise<void>;
}

export async function startLocalAgent(agent: AgentBundle | LocalAgentProgram, controllerName: string): Promise<StartedAgent> {
  const program = 'command' in agent ? agent : localAgentProgram(agent, null);
  const child = spawn(program.command, program.args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const connection = new AgentConnection({ input: child.stdout, output: child.stdin, log: child.stderr });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.once('error', (err) =>
    connection.close(new SeamlessError('AGENT_START_FAILED', `Could not start the local agent: ${err.message}`)),
  );
  child.once('exit', (code, signal) =>
    connection.close(
      new SeamlessError('AGENT_EXITED', `The local agent exited (${signal ?? `code ${code}`})`, { evidence: connection.evidence() }),
    ),
  );
  try {
    await connection.hello(controllerName, program.sha256);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return {
    connection,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}
