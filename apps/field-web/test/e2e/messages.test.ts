/**
 * The office and a technician talk on a job: the office's message reaches the technician's
 * list within a second, unread until read; the technician answers offline and sees
 * "Sending…" until the server holds the answer, which then reaches the office's board.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../../../test-support/requirements';
import { ensureScreenshotDir, startField, type Field } from './harness';
import { dismissNotices, eventually, expectUsableOnPhone, gotoJob, setOnline } from './steps';

// Without Chromium the suite is skipped with hasChromium()'s message; with CI=true it throws instead.
const run = await hasChromium();

async function writeMessage(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByRole('button', { name: 'Send message' }).click();
}

const messageState = (page: Page, text: string) => page.getByTestId('message').filter({ hasText: text }).getByTestId('message-state').innerText();

describe.skipIf(!run)('job messages', () => {
  let field: Field;
  beforeAll(async () => {
    field = await startField();
  });
  afterAll(async () => {
    await field?.close();
  });

  it('brings the office message to the technician within a second and the offline answer back on reconnect', async () => {
    const alice = await field.signIn('alice');
    const dana = await field.signIn('dana');
    const card = alice.page.getByTestId('job-card').first();
    await card.waitFor();
    const jobId = decodeURIComponent(((await card.getAttribute('href')) ?? '').replace('#/job/', ''));
    const badge = card.getByTestId('unread');
    expect(await badge.count()).toBe(0);

    await gotoJob(dana.page, jobId);
    await dana.page.getByLabel('Message', { exact: true }).fill('Customer asks you to call before arriving');
    const sentAt = Date.now();
    await dana.page.getByRole('button', { name: 'Send message' }).click();
    await badge.waitFor({ timeout: 1_000 });
    expect(Date.now() - sentAt).toBeLessThan(1_000);
    expect(await badge.getAttribute('aria-label')).toBe('1 unread message');
    await eventually(
      () => messageState(dana.page, 'call before arriving'),
      (s) => s.includes('Sent'),
      'the office message sent',
    );

    await card.click();
    await alice.page.getByTestId('message').filter({ hasText: 'call before arriving' }).waitFor();
    await setOnline(alice.page, false);
    await writeMessage(alice.page, 'No signal here. Compressor seized, need a quote');
    expect(await messageState(alice.page, 'Compressor seized')).toContain('Sending…');
    await new Promise((r) => setTimeout(r, 500));
    expect(await messageState(alice.page, 'Compressor seized')).toContain('Sending…');
    expect(await dana.page.getByTestId('message').filter({ hasText: 'Compressor seized' }).count()).toBe(0);

    await setOnline(alice.page, true);
    await eventually(
      () => messageState(alice.page, 'Compressor seized'),
      (s) => s.includes('Sent'),
      'the answer sent once the server holds it',
    );
    await dana.page.getByTestId('message').filter({ hasText: 'Compressor seized' }).waitFor();
    expect(await dana.page.getByTestId('message').allInnerTexts()).toEqual([expect.stringContaining('call before arriving'), expect.stringContaining('Compressor seized')]);

    // Read on the job screen, so the list no longer counts it.
    await alice.page.goto(alice.page.url().replace(/#.*$/, '#/'));
    await alice.page.getByTestId('job-card').first().waitFor();
    expect(await alice.page.getByTestId('job-card').first().getByTestId('unread').count()).toBe(0);

    // The dispatcher on the board sees a new answer counted on its job.
    await dana.page.goto(dana.page.url().replace(/#.*$/, '#/'));
    const row = dana.page.locator(`[data-testid=board-job][data-job-id="${jobId}"]`);
    await row.waitFor();
    expect(await row.getByTestId('unread').count()).toBe(0);
    await alice.page.getByTestId('job-card').first().click();
    await writeMessage(alice.page, 'Quote request raised from the job');
    await eventually(
      () => row.getByTestId('unread').getAttribute('aria-label'),
      (l) => l === '1 unread message',
      'the unread count on the board',
      5_000,
    );

    await dismissNotices(alice.page);
    await expectUsableOnPhone(alice.page);
    const section = alice.page.locator('section', { has: alice.page.getByRole('heading', { name: 'Messages' }) });
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: `${ensureScreenshotDir()}/messages.png` });
  });
});
