/** Runs a command to completion, collecting its output; the kit test's only process helper. */
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  /** stdout and stderr interleaved, for error messages. */
  output: string;
}

/** Where packages come from stays as the person or CI set it. */
const KEPT = new Set(['npm_config_registry', 'npm_config_cache']);

/**
 * The environment without the lower-case npm_* variables a `pnpm test` run exports (its
 * package, lifecycle and settings), which would steer a nested npm or pnpm.
 */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('npm_') || KEPT.has(key)));
}

/** Runs `command`; rejects on a non-zero exit unless `allowFailure`. Past `timeoutMs` it is killed and counts as failed. */
export function run(command: string, args: string[], options: { cwd: string; allowFailure?: boolean; timeoutMs?: number }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    const timeoutMs = options.timeoutMs ?? 180_000;
    const timer = setTimeout(() => {
      output += `\n[killed after ${timeoutMs} ms]`;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      const result = { code: code ?? -1, stdout, output };
      if (result.code !== 0 && !options.allowFailure) reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`));
      else resolve(result);
    });
  });
}
