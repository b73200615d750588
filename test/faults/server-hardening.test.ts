/**
 * The server's own edges (issue 13 item 8): who may read /metrics, the modes of the files
 * it creates, a secret file left empty, and the demo accounts' salts.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '@outpost/server';
import { call, DEMO, startOutpost, type Outpost } from './support/outpost';
import { freePort } from './support/server-process';

const BIN = fileURLToPath(new URL('../../packages/server/scripts/outpost-server-from-source.js', import.meta.url));

let outpost: Outpost | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await outpost?.stop();
  outpost = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'outpost-hardening-'));
  dirs.push(d);
  return d;
};
const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

describe('metrics access', () => {
  it('asks for the metrics token once one is configured, and takes no session token instead', async () => {
    outpost = await startOutpost({ metricsToken: 'scrape-me-please' });
    const url = `${outpost.url}/metrics`;
    expect((await call(url)).status).toBe(401);
    expect((await call(url, { token: 'wrong-token' })).status).toBe(401);
    const asDispatcher = await call(url, { token: outpost.token(DEMO.dana) });
    expect(asDispatcher.status).toBe(401);
    expect((asDispatcher.body as { error: { code: string } }).error.code).toBe('unauthenticated');
    const scrape = await call(url, { token: 'scrape-me-please' });
    expect(scrape.status).toBe(200);
    expect(scrape.text).toMatch(/^outpost_connections \d+$/m);
  });

  it('still serves metrics without a token to a scraper on the same machine when bound to loopback', async () => {
    outpost = await startOutpost();
    const res = await call(`${outpost.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/^# TYPE outpost_logins_total counter$/m);
  });
});

describe('data files', () => {
  it('creates the data directory 0700 and the database, its WAL and the secret 0600', async () => {
    const dataDir = join(tempDir(), 'nested', 'data');
    const server = await startServer({ dataDir, port: 0, seed: 'demo' });
    try {
      expect(modeOf(dataDir)).toBe('700');
      for (const file of ['outpost.db', 'outpost.db-wal', 'secret']) expect(`${file} ${modeOf(join(dataDir, file))}`).toBe(`${file} 600`);
    } finally {
      await server.close();
    }
  });

  it('refuses to start on an empty secret file, saying why, instead of failing every sign-in', async () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'secret'), '\n');
    await expect(startServer({ dataDir, port: 0, seed: 'demo' })).rejects.toThrow(/secret .*is empty/i);
    // The CLI, as an operator starts it: exits non-zero with the reason on stderr.
    const port = await freePort();
    const child = spawn(process.execPath, [BIN, '--port', String(port), '--data', dataDir, '--seed', 'demo'], {
      env: { ...process.env, OUTPOST_SECRET: '', OUTPOST_DATABASE_URL: '', OUTPOST_REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const ended = await Promise.race([
      new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code))),
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 20_000)),
    ]);
    if (ended === 'still running') child.kill('SIGKILL');
    expect(ended, output).toBe(1);
    expect(output).toMatch(/cannot start: .*secret.*is empty/i);
    expect(output).not.toMatch(/listening on/);
  });
});

describe('demo seed', () => {
  it('gives every demo account its own salt', async () => {
    outpost = await startOutpost();
    const salts = (await outpost.server.store.listUsers()).map((u) => u.passwordHash.split('$')[1]);
    expect(salts).toHaveLength(3);
    expect(new Set(salts).size).toBe(3);
  });
});
