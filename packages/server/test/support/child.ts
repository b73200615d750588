/**
 * Runs the `outpost-server` CLI as a child process, the way an operator does, from source
 * (scripts/outpost-server-from-source.js) so the test needs no build.
 */
import { spawn } from 'node:child_process';
import { launchServer, SERVER_BIN as BIN, type LaunchedServer } from '../../../../test-support/server-process';

/** Runs the CLI with `args` (and extra `env`) to completion; resolves with its exit code and output. */
export function runCli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/** A server child process and its URL (test-support/server-process.ts). */
export type ServerProcess = LaunchedServer;

/** Spawns the CLI on a free port with `dataDir` (and `args`), and waits until it listens. */
export function spawnServer(dataDir: string, env: Record<string, string | undefined> = { OUTPOST_SECRET: 'child-secret' }, args: string[] = []): Promise<ServerProcess> {
  return launchServer({
    args: ['--port', '0', '--data', dataDir, '--seed', 'demo', ...args],
    env: { OUTPOST_DATABASE_URL: undefined, OUTPOST_REDIS_URL: undefined, OUTPOST_SECRET: undefined, ...env },
    timeoutMs: 20_000,
  });
}
