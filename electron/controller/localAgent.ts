// Why: "This machine" is planned through the same agent and protocol as a remote host, only
// started as a child process instead of over SSH. Keeping that the only difference means the
// local slice exercises the real wire end to end.
import { spawn } from 'node:child_process';
import { SeamlessError } from '../../shared/errors';
import { AgentConnection } from './agentConnection';
import { AGENT_NODE_ARGS, type AgentBundle } from './agentBundle';

export interface StartedAgent {
  connection: AgentConnection;
  stop(): Promise<void>;
}

export async function startLocalAgent(bundle: AgentBundle, controllerName: string): Promise<StartedAgent> {
  const child = spawn(process.execPath, [...AGENT_NODE_ARGS, bundle.path], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // Under Electron, process.execPath is Electron itself; this makes it behave as plain Node.
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
  });
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
    await connection.hello(controllerName, bundle.sha256);
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
