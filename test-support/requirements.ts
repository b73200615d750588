/**
 * Suites that need Postgres, Redis, Chromium or nginx ask here whether it is available.
 * With CI=true a missing service is an error (those suites are mandatory in CI); elsewhere
 * the suite is skipped with a message saying what is missing.
 */
import { existsSync } from 'node:fs';
import { connect } from 'node:net';

/** True when running in CI, where every suite is mandatory. */
export const inCI = process.env.CI === 'true' || process.env.CI === '1';

function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function require(what: string, available: boolean, hint: string): Promise<boolean> {
  if (available) return true;
  const message = `${what} is not available: ${hint}`;
  if (inCI) throw new Error(`${message} (CI=true makes this suite mandatory)`);
  console.warn(`[skipped] ${message}`);
  return false;
}

/** Postgres URL for tests (OUTPOST_TEST_DATABASE_URL or the local trust-auth `test` database). */
export const testDatabaseUrl = process.env.OUTPOST_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** Redis URL for tests. */
export const testRedisUrl = process.env.OUTPOST_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** nginx binary for the load-balancer test (apt-get install nginx-light). */
export const nginxPath = process.env.OUTPOST_NGINX ?? '/usr/sbin/nginx';
/** Chromium binary for browser tests. */
export const chromiumPath = process.env.OUTPOST_CHROMIUM ?? '/usr/bin/chromium';

/** Whether Postgres answers on its port; throws in CI when it does not. */
export async function hasPostgres(): Promise<boolean> {
  const url = new URL(testDatabaseUrl);
  return require('PostgreSQL', await portOpen(url.hostname, Number(url.port || 5432)), `nothing listens at ${url.host}`);
}

/** Whether Redis answers on its port; throws in CI when it does not. */
export async function hasRedis(): Promise<boolean> {
  const url = new URL(testRedisUrl);
  return require('Redis', await portOpen(url.hostname, Number(url.port || 6379)), `nothing listens at ${url.host}`);
}

/** Whether Chromium is installed; throws in CI when it is not. */
export async function hasChromium(): Promise<boolean> {
  return require('Chromium', existsSync(chromiumPath), `${chromiumPath} not found (apt-get install chromium)`);
}

/** Whether nginx is installed; throws in CI when it is not. */
export async function hasNginx(): Promise<boolean> {
  return require('nginx', existsSync(nginxPath), `${nginxPath} not found (apt-get install nginx-light)`);
}

/** Chromium flags for running headless as root on a closed network. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
