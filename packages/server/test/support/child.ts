/**
 * Runs the `outpost-server` CLI as a child process, the way an operator does, from source
 * (scripts/outpost-server-from-source.js) so the test needs no build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../scripts/outpost-server-from-source.js', import.meta.url));

/** Runs the CLI with `args` (and extra `env`) to completion; resolves with its exit code and output. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/** A server child process and its URL. */
export interface ServerProcess {
  child: ChildProcess;
  url: string;
  wsBase: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
}

/** Spawns the CLI on a free port with `dataDir` (and `args`), and waits until it listens. */
export async function spawnServer(
  dataDir: string,
  env: Record<string, string | undefined> = { OUTPOST_SECRET: 'child-secret' },
  args: string[] = [],
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [BIN, '--port', '0', '--data', dataDir, '--seed', 'demo', ...args], {
    env: { ...process.env, OUTPOST_DATABASE_URL: undefined, OUTPOST_REDIS_URL: undefined, OUTPOST_SECRET: undefined, ...env },
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
  return { child, url, wsBase: url.replace(/^http/, 'ws') + '/sync', exited, output: () => output };
}
