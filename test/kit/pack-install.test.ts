/**
 * Issue 19, item 1: the kit as a team outside this workspace gets it. Each package is
 * packed with `pnpm pack` (its prepack builds dist/), the tarballs are npm-installed into
 * an empty project in the OS temp dir, the server starts from the installed bin, and a
 * script there syncs a job through it with the installed @outpost/client.
 *
 * Speed and offline use (docs/decisions.md, "Built packages"): third-party packages come
 * from npm's cache first (--prefer-offline), and install scripts are skipped so
 * better-sqlite3 is not compiled from source: its native module is copied from this
 * workspace, pinned to the same version by an override. Without a registry the test skips
 * with the reason, except under CI=true, where it must run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { run, type RunResult } from './support/run';

const ROOT = resolve(import.meta.dirname, '../..');
const PACKAGES = ['shared', 'client', 'server'] as const;
const NETWORK_FAILURE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|network|killed after/i;

async function versionIn(pkgDir: string, dep: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(ROOT, pkgDir, 'node_modules', dep, 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/** Starts the installed `outpost-server` bin and resolves its URL once it listens (`output`: all it printed so far). */
function startInstalledServer(project: string, dataDir: string): Promise<{ child: ChildProcess; url: string; output(): string }> {
  const child = spawn(join(project, 'node_modules/.bin/outpost-server'), ['--port', '0', '--data', dataDir, '--seed', 'demo'], {
    cwd: project,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, OUTPOST_SECRET: 'kit-secret' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`installed server did not start:\n${output}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolveUrl({ child, url: match[1]!, output: () => output });
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`installed server exited (${code}) before listening:\n${output}`));
    });
  });
}

describe('the packed kit, installed outside the workspace', () => {
  let work = '';
  let server: ChildProcess | undefined;
  afterAll(async () => {
    server?.kill('SIGTERM');
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('installs from the tarballs, type-checks against them, starts the server from its bin and syncs a job with the client', async (ctx) => {
    work = await mkdtemp(join(tmpdir(), 'outpost-kit-'));
    const tarballs = join(work, 'tarballs');
    const project = join(work, 'project');
    await mkdir(tarballs);
    await mkdir(project);

    // Shared first: the client's and server's declaration builds read its dist/.
    const pack = (name: string) => run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(ROOT, 'packages', name) });
    await pack('shared');
    await Promise.all([pack('client'), pack('server')]);
    const files = await readdir(tarballs);
    const tarball = (name: string) => {
      const file = files.find((f) => f.startsWith(`outpost-${name}-`) && f.endsWith('.tgz'));
      if (!file) throw new Error(`pnpm pack made no tarball for @outpost/${name}: ${files.join(', ')}`);
      return `file:../tarballs/${file}`;
    };

    const betterSqlite = await versionIn('packages/server', 'better-sqlite3');
    await writeFile(
      join(project, 'package.json'),
      JSON.stringify(
        {
          name: 'job-app',
          private: true,
          type: 'module',
          dependencies: {
            ...Object.fromEntries(PACKAGES.map((name) => [`@outpost/${name}`, tarball(name)])),
            'fake-indexeddb': await versionIn('packages/client', 'fake-indexeddb'),
            ws: await versionIn('packages/client', 'ws'),
          },
          // The packed client and server name @outpost/shared by version; take it from the tarball,
          // never from the registry. better-sqlite3 matches the native module copied below.
          overrides: { '@outpost/shared': '$@outpost/shared', 'better-sqlite3': betterSqlite },
        },
        null,
        2,
      ),
    );
    const install: RunResult = await run(
      'npm',
      // Few, short retries: an unreachable registry should fail (or skip) in seconds, not minutes.
      [
        'install',
        '--prefer-offline',
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--loglevel=error',
        '--fetch-retries=1',
        '--fetch-retry-mintimeout=1000',
        '--fetch-retry-maxtimeout=5000',
        '--fetch-timeout=60000',
      ],
      { cwd: project, allowFailure: true, timeoutMs: 150_000 },
    );
    if (install.code !== 0) {
      if (!process.env.CI && NETWORK_FAILURE.test(install.output)) {
        ctx.skip(`npm install could not reach the registry or its cache, so the packed kit cannot be installed here:\n${install.output.slice(-400)}`);
      }
      throw new Error(`npm install of the packed kit failed:\n${install.output}`);
    }
    const builtSqlite = join(ROOT, 'packages/server/node_modules/better-sqlite3/build/Release/better_sqlite3.node');
    const installedSqlite = join(project, 'node_modules/better-sqlite3/build/Release');
    await mkdir(installedSqlite, { recursive: true });
    await copyFile(builtSqlite, join(installedSqlite, 'better_sqlite3.node'));

    // What a consumer's install must not contain: the source runner, the unused provider, a second yjs.
    const installed = (path: string) => existsSync(join(project, 'node_modules', path));
    expect(installed('tsx')).toBe(false);
    expect(installed('y-websocket')).toBe(false);
    expect(installed('yjs')).toBe(true);
    for (const name of PACKAGES) expect(installed(`@outpost/${name}/node_modules/yjs`)).toBe(false);

    // A TypeScript consumer (nodenext resolution) compiles against the packed .d.ts files.
    for (const file of ['types-check.ts', 'tsconfig.json']) await copyFile(join(import.meta.dirname, 'consumer', file), join(project, file));
    await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: project });

    const started = await startInstalledServer(project, join(work, 'data'));
    server = started.child;
    await copyFile(join(import.meta.dirname, 'consumer/sync-a-job.mjs'), join(project, 'sync-a-job.mjs'));
    const synced = await run(process.execPath, ['sync-a-job.mjs', started.url], { cwd: project });
    const seen = JSON.parse(synced.stdout.trim().split('\n').at(-1)!) as { note?: string; yjsCopies: number };
    expect(seen).toEqual({ note: 'Installed from the packed kit', yjsCopies: 1 });
    // The bin started node with the young generation the relay is measured with: no reminder.
    expect(started.output()).toContain('durability:');
    expect(started.output()).not.toContain('[outpost] running with');
  });
});
