/**
 * The browser-test harness: the real server in-process (SQLite in a temp dir, demo seed,
 * serving the built app) on 127.0.0.1 port 0, and Debian's Chromium through
 * playwright-core, one browser context per person so each has their own device storage.
 */
import { startServer, type ServerOptions } from '@outpost/server';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../../../test-support/requirements';
import { buildOnce } from './build-once';

/** Where the tests write the screenshots the README links to. */
export const screenshotDir = fileURLToPath(new URL('../../../../docs/screenshots/', import.meta.url));

/** A person at their own device (browser context). */
export interface Person {
  context: BrowserContext;
  page: Page;
  /** Opens a fresh page on the same device (after the old one was closed). */
  reopen(hash?: string): Promise<Page>;
}

/** A running field: server plus browser. */
export interface Field {
  url: string;
  /** Signs in on a new device; `prepare` runs on the device before its first page opens. */
  signIn(username: 'alice' | 'bob' | 'dana', prepare?: (context: BrowserContext) => Promise<void>): Promise<Person>;
  close(): Promise<void>;
}

/** Starts the server (with `limits`, e.g. a small job size, where a test needs them) and the browser. */
export async function startField(limits: ServerOptions['limits'] = {}): Promise<Field> {
  const webDir = await buildOnce();
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-e2e-'));
  const server = await startServer({ host: '127.0.0.1', port: 0, dataDir, seed: 'demo', webDir, limits });
  const browser: Browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
  const url = server.url.replace(/\/$/, '');
  const contexts: BrowserContext[] = [];

  const open = async (context: BrowserContext, hash = '') => {
    const page = await context.newPage();
    page.on('pageerror', (err) => console.warn(`[page error] ${err.message}`));
    page.on('console', (msg) => {
      // Failed requests while offline are the point of these tests, not news.
      if (msg.type() === 'error' && !/ERR_INTERNET_DISCONNECTED|Failed to load resource|WebSocket connection/.test(msg.text())) {
        console.warn(`[browser ${msg.type()}] ${msg.text()}`);
      }
    });
    await page.goto(`${url}/${hash}`);
    return page;
  };

  return {
    url,
    async signIn(username, prepare) {
      const context = await browser.newContext({ viewport: { width: 360, height: 780 }, deviceScaleFactor: 1 });
      contexts.push(context);
      context.setDefaultTimeout(15_000);
      await prepare?.(context);
      const page = await open(context);
      await page.getByRole('button', { name: new RegExp(`^${username} `) }).click();
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByTestId('sync-indicator').waitFor();
      // The shell worker must hold the app before anyone goes offline.
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 15_000 });
      return { context, page, reopen: (hash) => open(context, hash) };
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Makes the screenshots folder. */
export function ensureScreenshotDir(): string {
  mkdirSync(screenshotDir, { recursive: true });
  return screenshotDir;
}
