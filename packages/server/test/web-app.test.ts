import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server';

describe('serving the web app', () => {
  let server: TestServer;
  let webDir: string;
  beforeAll(async () => {
    webDir = await mkdtemp(join(tmpdir(), 'outpost-web-'));
    await mkdir(join(webDir, 'assets'));
    await writeFile(join(webDir, 'index.html'), '<!doctype html><title>Field</title>');
    await writeFile(join(webDir, 'assets', 'app-1.js'), 'console.log(1)');
    server = await startTestServer({ webDir, seed: false });
  });
  afterAll(async () => {
    await server.dispose();
    await rm(webDir, { recursive: true, force: true });
  });

  it('serves built files, falls back to index.html for app routes, and never for the API', async () => {
    const asset = await fetch(`${server.url}/assets/app-1.js`);
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(await asset.text()).toBe('console.log(1)');
    for (const path of ['/', '/jobs/job-1001', '/assets/missing.js']) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<title>Field</title>');
    }
    expect((await fetch(`${server.url}/api/unknown`)).status).toBe(401);
    expect((await fetch(`${server.url}/healthz`)).headers.get('content-type')).toContain('application/json');
    expect((await fetch(`${server.url}/sync/job-1001`)).status).toBe(426);
  });

  it('never serves files outside the web directory', async () => {
    const res = await fetch(`${server.url}/%2e%2e/%2e%2e/etc/passwd`);
    expect(await res.text()).toContain('<title>Field</title>');
  });

  it('lets browsers keep hashed assets and revalidate the app shell', async () => {
    const asset = await fetch(`${server.url}/assets/app-1.js`);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/jobs/job-1001', '/assets/missing.js']) {
      expect((await fetch(`${server.url}${path}`)).headers.get('cache-control')).toBe('no-cache');
    }
  });
});
