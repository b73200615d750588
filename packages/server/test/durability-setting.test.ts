import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index';
import { runCli, spawnServer, type ServerProcess } from './support/child';
import { startTestServer, until, type TestServer } from './support/server';

/** `synchronous` as the running server's own SQLite connection has it (the pragma is per connection). */
function liveSynchronous(server: TestServer): string {
  expect(server.store).toBeInstanceOf(SqliteStore);
  return (server.store as SqliteStore).synchronous();
}

describe('what a durable ack survives (--durability)', () => {
  const servers: TestServer[] = [];
  const processes: ServerProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.dispose();
    for (const p of processes.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
      await p.exited;
    }
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  const tempDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outpost-durability-'));
    dirs.push(dir);
    return dir;
  };

  it('fsyncs every commit by default, so an acked update survives power loss (SQLite synchronous = FULL)', async () => {
    const server = await startTestServer();
    servers.push(server);
    expect(liveSynchronous(server)).toBe('FULL');
  });

  it('with durability "process" survives the process dying, not the machine (SQLite synchronous = NORMAL)', async () => {
    const server = await startTestServer({ durability: 'process' });
    servers.push(server);
    expect(liveSynchronous(server)).toBe('NORMAL');
  });

  it('the CLI runs FULL by default and NORMAL with --durability process or OUTPOST_DURABILITY=process, and says so at start', async () => {
    const effective = async (env: Record<string, string | undefined>, args: string[]) => {
      const server = await spawnServer(await tempDir(), { OUTPOST_SECRET: 'child-secret', ...env }, args);
      processes.push(server);
      await until(() => /durability: .*\n/.test(server.output()), 10_000, 'durability line');
      return /durability: .*/.exec(server.output())![0];
    };
    expect(await effective({}, [])).toBe('durability: full (SQLite synchronous = FULL)');
    expect(await effective({}, ['--durability', 'process'])).toBe('durability: process (SQLite synchronous = NORMAL)');
    expect(await effective({ OUTPOST_DURABILITY: 'process' }, [])).toBe('durability: process (SQLite synchronous = NORMAL)');
    // The flag wins over the environment.
    expect(await effective({ OUTPOST_DURABILITY: 'process' }, ['--durability', 'full'])).toBe('durability: full (SQLite synchronous = FULL)');
  });

  it('refuses an unknown durability with exit code 2 and says what the choices mean', async () => {
    const dataDir = await tempDir();
    const flag = await runCli(['--durability', 'fast', '--data', dataDir]);
    expect(flag.code).toBe(2);
    expect(flag.output).toContain('--durability must be "full" (an acked update survives power loss and kernel crashes) or "process"');
    expect(flag.output).toContain('not "fast"');
    const env = await runCli(['--data', dataDir], { OUTPOST_DURABILITY: 'NORMAL' });
    expect(env.code).toBe(2);
    expect(env.output).toContain('OUTPOST_DURABILITY must be "full"');
  });
});
