/** Runs a command to completion, collecting its output; the kit test's only process helper. */
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  /** stdout and stderr interleaved, for error messages. */
  output: string;
}

/** Environment without the npm_* variables a `pnpm test` run exports, which would steer a nested npm or pnpm. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
}

/** Runs `command`; rejects on a non-zero exit unless `allowFailure`. */
export function run(command: string, args: string[], options: { cwd: string; allowFailure?: boolean }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const result = { code: code ?? -1, stdout, output };
      if (result.code !== 0 && !options.allowFailure) reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${output}`));
      else resolve(result);
    });
  });
}
