/**
 * The one way the test suites start the `outpost-server` CLI as a child process: from
 * source (packages/server/scripts/outpost-server-from-source.js, so no build is needed),
 * exactly as an operator runs it, resolving once it prints its "listening on" line.
 * Used by the server's CLI and crash tests, the multi-node cluster and the fault suite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The CLI, run from source. */
export const SERVER_BIN = fileURLToPath(new URL('../packages/server/scripts/outpost-server-from-source.js', import.meta.url));

/** What to start. */
export interface LaunchOptions {
  /** CLI arguments (`--port 0 --data dir --seed demo …`). */
  args: string[];
  /** Added to this process's environment; an `undefined` value removes a variable. */
  env?: Record<string, string | undefined>;
  /** How long it may take to listen before it is killed and the launch fails. Default 30 s. */
  timeoutMs?: number;
  /** Every chunk the process writes (stdout and stderr), as it comes. */
  onOutput?(chunk: string): void;
}

/** A started server process. */
export interface LaunchedServer {
  child: ChildProcess;
  /** `http://host:port` from its "listening on" line. */
  url: string;
  /** The relay's websocket base, `ws://host:port/sync`. */
  wsBase: string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
}

/** Spawns the CLI and resolves once it listens; kills it and rejects (with its output) if it exits or times out first. */
export async function launchServer(options: LaunchOptions): Promise<LaunchedServer> {
  const child = spawn(process.execPath, [SERVER_BIN, ...options.args], { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`outpost-server did not listen within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      options.onOutput?.(text);
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`outpost-server exited (${code}) before listening:\n${output}`));
    });
  });
  return { child, url, wsBase: url.replace(/^http/, 'ws') + '/sync', exited, output: () => output };
}
