/**
 * The `DeviceStorage` acceptance suite (`@outpost/client/testing`) against IndexedDB in real
 * Chromium: every storage call the suite makes runs in the page, on the browser's own
 * IndexedDB, and only its result comes back to the test.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import type { Page } from 'playwright-core';
import { runDeviceStorageTests, type DeviceStorage } from '@outpost/client/testing';
import { hasChromium } from '../../../../test-support/requirements';
import { bundleEngine, startBrowser } from './page';
import type { InPage } from './storage-entry';

// Without Chromium (local machines) the suite is skipped with a message; in CI it must run.
const available = await hasChromium();

/** Any origin works: the page is served by a Playwright route, and IndexedDB is per origin. */
const ORIGIN = 'http://device.outpost.test';

type Method = Exclude<keyof DeviceStorage, 'close'>;
/** close() calls still running in the page. */
const closing = new Set<Promise<unknown>>();
const METHODS: Method[] = ['get', 'put', 'add', 'increment', 'replace', 'delete', 'entries', 'pendingOf', 'count'];

/** Opens a device's database in the page; the returned storage forwards each call there. */
async function openInPage(page: Page, deviceName: string): Promise<DeviceStorage> {
  const handle = await page.evaluate(async (name) => {
    const s = (globalThis as unknown as InPage).OutpostStorage;
    const id = s.open.size + 1;
    s.open.set(id, await s.DeviceDb.open(indexedDB, name));
    return id as number;
  }, deviceName);
  const call = (method: string, args: unknown[]) =>
    page.evaluate(
      ([id, method, args]) => {
        const db = (globalThis as unknown as InPage).OutpostStorage.open.get(id) as unknown as Record<string, (...args: unknown[]) => unknown>;
        return db[method]!(...args);
      },
      [handle, method, args] as const,
    );
  const storage = Object.fromEntries(METHODS.map((m) => [m, (...args: unknown[]) => call(m, args)]));
  return {
    ...storage,
    // close() is synchronous in the interface: the call is kept so the suite's end waits for
    // it before the browser goes (a failure still surfaces there, as a rejection).
    close: () => void closing.add(call('close', [])),
  } as DeviceStorage;
}

describe.skipIf(!available)('device storage in Chromium', () => {
  let chrome: Awaited<ReturnType<typeof startBrowser>>;
  let page: Page;
  beforeAll(async () => {
    chrome = await startBrowser(await bundleEngine('./storage-entry.ts'));
    const context = await chrome.device(ORIGIN);
    page = await context.newPage();
    await page.goto(`${ORIGIN}/`);
    await page.waitForFunction(() => 'OutpostStorage' in globalThis);
  });
  afterAll(async () => {
    await Promise.all(closing);
    await chrome?.browser.close();
  });

  runDeviceStorageTests('IndexedDB in Chromium', (name) => openInPage(page, name));
});
