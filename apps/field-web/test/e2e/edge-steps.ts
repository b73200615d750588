/**
 * Steps shared by the issue-12 edge scenarios (every change listed, refused uploads,
 * outages, one conflict per job, review marks, priming): opening Offline Actions on a tab,
 * reading its rows, and taking the before/after screenshots the README links to.
 */
import type { Page } from 'playwright-core';
import { ensureScreenshotDir, type Person } from './harness';
import { dismissNotices, eventually, indicatorReads, phoneShot } from './steps';

/**
 * Screenshots of the fixed behaviour are `<name>-after.png`; running the same test on the
 * code before the fix with `OUTPOST_SHOT=before` writes `<name>-before.png` instead.
 */
export async function edgeShot(page: Page, name: string, height = 780): Promise<void> {
  const suffix = process.env.OUTPOST_SHOT === 'before' ? 'before' : 'after';
  await dismissNotices(page);
  await phoneShot(page, `${ensureScreenshotDir()}/${name}-${suffix}.png`, height);
}

/** Opens Offline Actions from the header indicator and picks a tab ("Pending", "Errors", …). */
export async function openOfflineTab(page: Page, tab: string): Promise<void> {
  if (!page.url().includes('#/offline-actions')) await page.getByTestId('sync-indicator').click();
  await page.getByRole('heading', { name: 'Offline Actions' }).waitFor();
  await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
}

/** The rows of the open tab, as their visible text (one string per row). */
export function rowTexts(page: Page): Promise<string[]> {
  return page.getByRole('tabpanel').locator(':scope > li').allInnerTexts();
}

/** The number a tab's label carries: "Pending (8)" → 8. */
export async function tabCount(page: Page, tab: string): Promise<number> {
  const label = await page.getByRole('tab', { name: new RegExp(`^${tab}`) }).innerText();
  return Number(/\((\d+)\)/.exec(label)?.[1] ?? NaN);
}

/**
 * The dispatcher cancels `jobId` from the board (accepting the question it asks first,
 * returned) and waits until the server has the cancel: the board shows Cancelled as soon as
 * the cancel is queued, and a technician's steps that reached the server first would win.
 */
export async function cancelOnBoard(dana: Person, jobId: string, from: string): Promise<string> {
  const page = dana.page;
  await page.goto(page.url().replace(/#.*$/, '#/'));
  const row = page.locator(`[data-testid=board-job][data-job-id="${jobId}"]`);
  await eventually(
    () => row.getByTestId('board-status').innerText(),
    (s) => s === from,
    `board shows ${from}`,
  );
  let asked = '';
  page.once('dialog', (d) => {
    asked = d.message();
    void d.accept();
  });
  await row.getByRole('button', { name: 'Cancel' }).click();
  await eventually(
    () => row.getByTestId('board-status').innerText(),
    (s) => s === 'Cancelled',
    'board shows Cancelled',
  );
  await indicatorReads(page, /^Online$/, 30_000);
  return asked;
}
