/**
 * Runs `bin/outpost-server.js` as a child process, the way an operator does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/outpost-server.js', import.meta.url));

/** A server child process and its URL. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  wsBase: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
}

/** Spawns the CLI on a free port with `dataDir`, and waits until it listens. */
export async function spawnServer(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, '--port', '0', '--data', dataDir, '--seed', 'demo'], {
    env: { ...process.env, OUTPOST_SECRET: 'child-secret', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`server exited before listening: ${output}`));
    });
  });
  return { child, url, wsBase: url.replace(/^http/, 'ws') + '/sync', exited };
}
