import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readServerState } from '@outpost/shared';
import { hasChromium } from '../../../../test-support/requirements';
import { until, World } from '../harness';
import { bundleEngine, startBrowser } from './page';
import type { InPage } from './entry';

// Without Chromium (local machines) the suite is skipped with a message; in CI it must run.
const available = await hasChromium();

/** Starts the engine in a page and signs in (or restores the saved session). */
async function startEngine(page: Page, user?: string): Promise<void> {
  await page.waitForFunction(() => 'Outpost' in globalThis);
  await page.evaluate(async (user) => {
    const g = globalThis as unknown as InPage;
    g.engine = g.Outpost.createOutpost({ serverUrl: location.origin, deviceName: 'phone', catchUpIntervalMs: 300 });
    await g.engine.ready;
    if (user) await g.engine.login(user, 'outpost');
  }, user);
}

const pending = (page: Page) => page.evaluate(() => (globalThis as unknown as InPage).engine.status.get().pending as number);

describe.skipIf(!available)('the engine in Chromium', () => {
  let world: World;
  let chrome: Awaited<ReturnType<typeof startBrowser>>;
  beforeAll(async () => {
    world = await World.start();
    chrome = await startBrowser(await bundleEngine());
  });
  afterAll(async () => {
    await chrome?.browser.close();
    await world?.close();
  });

  it('keeps a note and a status change made with the network cut through a page reload, then uploads them', async () => {
    const link = await world.link();
    const context = await chrome.device(link.url);
    const page = await context.newPage();
    await page.goto(`${link.url}/`);
    await startEngine(page, 'alice');
    const synced = await page.evaluate(async () => {
      const g = globalThis as unknown as InPage;
      g.job = await g.engine.openJob('job-1001');
      await g.job.whenSynced();
      return g.job.synced as boolean;
    });
    expect(synced).toBe(true);

    link.cut();
    await page.evaluate(async () => {
      const g = globalThis as unknown as InPage;
      g.Outpost.addNote(g.job.doc, { id: 'n1', author: 'alice', createdAt: new Date().toISOString(), text: 'Typed in a basement' });
      await g.engine.submitOp('job-1001', { kind: 'transition', to: 'en_route' });
    });
    // The count follows the change within ms (the device is re-read after the burst's writes).
    await until('the note and the step counted', async () => (await pending(page)) === 2);
    await page.evaluate(() => (globalThis as unknown as InPage).engine.flush()); // everything made so far is committed to IndexedDB

    await page.reload();
    await startEngine(page);
    expect(await pending(page)).toBe(2);
    const notes = await page.evaluate(async () => {
      const g = globalThis as unknown as InPage;
      const job = await g.engine.openJob('job-1001');
      return g.Outpost.readJob(job.doc).notes.map((n: { text: string }) => n.text);
    });
    expect(notes).toEqual(['Typed in a basement']);

    link.restore();
    await until('everything uploaded', async () => (await pending(page)) === 0, 20_000);
    const office = await world.device('dana-laptop', await world.link(), 'dana');
    const seen = await office.openJob('job-1001');
    await until('the office has both', () => seen.doc.getArray('notes').length === 1 && readServerState(seen.doc)?.status === 'en_route');
    await context.close();
  });

  it('lets only one tab drain the outbox, using Web Locks', async () => {
    const link = await world.link();
    const context = await chrome.device(link.url);
    const tabs = [await context.newPage(), await context.newPage()];
    const posts = [0, 0];
    for (const [i, tab] of tabs.entries()) {
      tab.on('request', (r) => void (r.method() === 'POST' && r.url().includes('/ops') && posts[i]!++));
      await tab.goto(`${link.url}/`);
    }
    await startEngine(tabs[0]!, 'bob');
    await startEngine(tabs[1]!);
    expect(await tabs[1]!.evaluate(() => typeof navigator.locks?.request)).toBe('function');
    await tabs[0]!.evaluate(() => (globalThis as unknown as InPage).engine.submitOp('job-1002', { kind: 'transition', to: 'en_route' }));
    await tabs[1]!.evaluate(() => (globalThis as unknown as InPage).engine.submitOp('job-1002', { kind: 'transition', to: 'on_site' }));
    for (const tab of tabs) {
      await until('both ops show as sent in every tab', async () => (await tab.evaluate(() => (globalThis as unknown as InPage).engine.outbox.list().sent.length)) === 2, 20_000);
    }
    expect(posts.filter((n) => n > 0)).toHaveLength(1);
    await context.close();
  });

  it('warns when the phone is out of storage, keeps the note pending, and loses nothing once space is freed', async () => {
    const link = await world.link();
    const context = await chrome.device(link.url);
    const page = await context.newPage();
    // A real quota for the origin (Chromium enforces it when a transaction commits), set
    // before the first write: Chromium caches the space left once it has written.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: link.url, quotaSize: 2_000_000 });
    await page.goto(`${link.url}/`);
    await startEngine(page, 'alice');
    await page.evaluate(async () => {
      const g = globalThis as unknown as InPage;
      g.job = await g.engine.openJob('job-1003');
      await g.job.whenSynced();
    });
    link.cut();

    await fillDisk(page);
    await page.evaluate(() => {
      const g = globalThis as unknown as InPage;
      g.Outpost.addNote(g.job.doc, { id: 'n-full', author: 'alice', createdAt: new Date().toISOString(), text: `Suction ${'312 psi, '.repeat(500)}` });
    });
    const full = 'This device could not save your last change — storage is full; export or free space.';
    await page.waitForFunction((text) => (globalThis as unknown as InPage).engine.storage.get().warning === text, full);
    await until('the unsaved note is counted', async () => (await pending(page)) === 1); // kept in memory, still pending
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as InPage).engine.flush().then(
          () => 'stored',
          (e: Error) => e.name,
        ),
      ),
    ).toBe('QuotaExceededError');

    await freeDisk(page);
    await page.evaluate(() => (globalThis as unknown as InPage).engine.flush());
    // Stored again; what remains is the usual reminder that unsynced work sits in evictable storage.
    expect(await page.evaluate(() => (globalThis as unknown as InPage).engine.storage.get())).toMatchObject({
      unsaved: false,
      warning: expect.not.stringContaining('could not save'),
    });

    await page.reload();
    await startEngine(page);
    await until('the stored note is counted after the reload', async () => (await pending(page)) === 1);
    const notes = await page.evaluate(async () => {
      const g = globalThis as unknown as InPage;
      const job = await g.engine.openJob('job-1003');
      return g.Outpost.readJob(job.doc).notes.map((n: { id: string }) => n.id);
    });
    expect(notes).toEqual(['n-full']);
    link.restore();
    await until('uploaded', async () => (await pending(page)) === 0, 20_000);
    const office = await world.device('dana-laptop', await world.link(), 'dana');
    const seen = await office.openJob('job-1003');
    await until('the office has the note', () => seen.doc.getArray('notes').length === 1);
    await context.close();
  });
});

/** Fills the origin's quota with a ballast database, down to the last kilobyte. */
async function fillDisk(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('ballast');
      req.onupgradeneeded = () => req.result.createObjectStore('bytes', { autoIncrement: true });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const stored = (size: number) =>
      new Promise<boolean>((resolve) => {
        const tx = db.transaction('bytes', 'readwrite');
        tx.objectStore('bytes').add(crypto.getRandomValues(new Uint8Array(size)));
        tx.oncomplete = () => resolve(true);
        tx.onabort = () => resolve(false);
      });
    for (const chunk of [60_000, 6_000, 600]) while (await stored(chunk));
    db.close();
  });
}

/** Frees the space the ballast took, as a person clearing photos or apps would. */
async function freeDisk(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const req = indexedDB.deleteDatabase('ballast');
        req.onsuccess = () => resolve();
        req.onerror = () => reject(req.error);
      }),
  );
}
