/**
 * A real Chromium page running the engine: the bundle and its HTML are served by Playwright
 * routes (so a reload works with the network cut), while API calls and websockets go over
 * the device's NetworkLink to the real server.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../../../test-support/requirements';

/** Bundles entry.ts (or another entry next to it) for the browser; resolves to the JS source. */
export async function bundleEngine(entry = './entry.ts'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'outpost-client-bundle-'));
  try {
    const outfile = join(dir, 'app.js');
    await build({
      entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outfile,
      logLevel: 'silent',
    });
    return await readFile(outfile, 'utf8');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Chromium with one helper: a device (browser context) whose pages run the engine. */
export async function startBrowser(bundle: string): Promise<{ browser: Browser; device(origin: string): Promise<BrowserContext> }> {
  // The page is served by a Playwright route, which Chromium's Local Network Access checks
  // treat as not local, and would then block its websockets to 127.0.0.1.
  const args = [...chromiumArgs, '--disable-features=LocalNetworkAccessChecks'];
  const browser = await chromium.launch({ executablePath: chromiumPath, args, headless: true });
  return {
    browser,
    async device(origin: string) {
      const context = await browser.newContext();
      context.setDefaultTimeout(15_000);
      await context.route(`${origin}/`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><script type="module" src="/app.js"></script>' }));
      await context.route(`${origin}/app.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: bundle }));
      return context;
    },
  };
}
