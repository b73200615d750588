import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, spawnServer, type ServerProcess } from './support/child';
import { api, login } from './support/server';

describe('outpost-server CLI', () => {
  let dataDir: string;
  const processes: ServerProcess[] = [];
  afterEach(async () => {
    for (const p of processes.splice(0)) {
      if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
      await p.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('started as the README says, answers login for alice and serves her jobs, with a secret generated into the data dir', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'outpost-cli-'));
    const server = await spawnServer(dataDir, {});
    processes.push(server);
    expect(existsSync(join(dataDir, 'secret'))).toBe(true);
    const token = await login(server, 'alice');
    const jobs = await api(server, token, '/api/me/jobs?days=2');
    expect(jobs.status).toBe(200);
    expect(jobs.body.jobs.length).toBeGreaterThan(0);
    expect(jobs.body.jobs.every((j: { assignees: string[] }) => j.assignees.includes('alice'))).toBe(true);
    // After a restart the same secret is used, so signed-in devices stay signed in.
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    const again = await spawnServer(dataDir, {});
    processes.push(again);
    expect((await api(again, token, '/api/me')).body.user.id).toBe('alice');
  });

  it('asks scrapers for OUTPOST_METRICS_TOKEN when it is set', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'outpost-cli-'));
    const server = await spawnServer(dataDir, { OUTPOST_SECRET: 'child-secret', OUTPOST_METRICS_TOKEN: 'scrape-token' });
    processes.push(server);
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
    const scrape = await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer scrape-token' } });
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toMatch(/^outpost_connections \d+$/m);
  });

  it('refuses bad arguments with exit code 2', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'outpost-cli-'));
    expect((await runCli(['--port', 'eighty', '--data', dataDir])).code).toBe(2);
    expect((await runCli(['--seed', 'everything', '--data', dataDir])).code).toBe(2);
    const fold = await runCli(['--leftover-fold-ms', 'soon', '--data', dataDir]);
    expect(fold.code).toBe(2);
    expect(fold.output).toContain('--leftover-fold-ms must be a whole number of milliseconds');
    expect((await runCli(['--data', dataDir], { OUTPOST_LEFTOVER_FOLD_MS: '-5' })).code).toBe(2);
  });
});
