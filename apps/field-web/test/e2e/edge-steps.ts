/**
 * Steps shared by the issue-12 edge scenarios (every change listed, refused uploads,
 * outages, one conflict per job, review marks, priming): opening Offline Actions on a tab,
 * reading its rows, and taking the before/after screenshots the README links to.
 */
import type { Page } from 'playwright-core';
import { ensureScreenshotDir } from './harness';
import { dismissNotices, phoneShot } from './steps';

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
