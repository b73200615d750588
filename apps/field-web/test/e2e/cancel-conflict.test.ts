/**
 * The dispatcher cancels while the technician, offline, completes the job: the conflict
 * shows in Offline Actions with what the server has, who and when, and each resolution
 * does what it says (keep mine → completed, flagged; keep server's → stays cancelled).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../../../test-support/requirements';
import { cancelOnBoard } from './edge-steps';
import { ensureScreenshotDir, startField, type Field } from './harness';
import {
  dismissNotices,
  eventually,
  expectUsableOnPhone,
  gotoJob,
  indicatorReads,
  jobStatus,
  openFirstJob,
  phoneShot,
  setOnline,
  sign,
  tapStatus,
  tickAll,
  writeNewNote,
} from './steps';

// Without Chromium the suite is skipped with hasChromium()'s message; with CI=true it throws instead.
const run = await hasChromium();

/** Takes a job from Scheduled to ready to complete: in progress, required items ticked, signed. */
async function readyToComplete(page: Page, index: number): Promise<string> {
  await page.goto(page.url().replace(/#.*$/, '#/'));
  const jobId = await openFirstJob(page, index);
  await tapStatus(page, 'Start travel', 'En route');
  await tapStatus(page, "I'm here", 'On site');
  await tapStatus(page, 'Start work', 'In progress');
  await tickAll(page, true);
  await sign(page, 'Pat Customer');
  return jobId;
}

describe.skipIf(!run)('cancel while completing offline', () => {
  let field: Field;
  beforeAll(async () => {
    field = await startField();
  });
  afterAll(async () => {
    await field?.close();
  });

  it('shows the conflict with who cancelled and when, and keeps mine or the server’s as chosen', async () => {
    const alice = await field.signIn('alice');
    const dana = await field.signIn('dana');
    const mine = await readyToComplete(alice.page, 0);
    const theirs = await readyToComplete(alice.page, 1);
    await indicatorReads(alice.page, /^Online$/, 30_000);

    await setOnline(alice.page, false);
    for (const jobId of [mine, theirs]) {
      await gotoJob(alice.page, jobId);
      await tapStatus(alice.page, 'Complete', 'Completed');
    }
    await writeNewNote(alice.page, 'Finished before I heard it was cancelled.');
    await cancelOnBoard(dana, mine, 'In progress');
    await cancelOnBoard(dana, theirs, 'In progress');

    await setOnline(alice.page, true);
    await indicatorReads(alice.page, /^Sync failed \(2 items\)$/, 60_000);
    await alice.page.getByRole('alert').filter({ hasText: 'A step you made was refused by the server.' }).waitFor();
    await alice.page.getByTestId('sync-indicator').click();
    await alice.page.getByRole('tab', { name: /^Conflicts/ }).click();
    const conflicts = alice.page.getByTestId('conflict');
    await eventually(
      () => conflicts.count(),
      (n) => n === 2,
      'two conflicts',
    );
    const first = await conflicts.first().innerText();
    expect(first).toMatch(/You moved this job to Completed; Dana cancelled it at (?:\w+ )?\d\d:\d\d/);
    await dismissNotices(alice.page);
    await phoneShot(alice.page, `${ensureScreenshotDir()}/offline-actions.png`, 1000);
    await expectUsableOnPhone(alice.page);

    const card = (jobId: string) => alice.page.locator('[data-testid=outbox-item][data-state=conflict]').filter({ has: alice.page.locator(`a[href="#/job/${jobId}"]`) });
    await card(mine).getByRole('button', { name: 'Keep mine' }).click();
    await card(theirs).getByRole('button', { name: "Keep server's" }).click();
    await indicatorReads(alice.page, /^Online$/, 60_000);
    await alice.page.getByRole('tab', { name: /^Sent/ }).click();
    await alice.page.getByText('flagged for dispatcher review').waitFor();

    await gotoJob(alice.page, mine);
    await eventually(
      () => jobStatus(alice.page),
      (s) => s === 'Completed',
      'my completion kept',
    );
    await gotoJob(alice.page, theirs);
    await eventually(
      () => jobStatus(alice.page),
      (s) => s === 'Cancelled',
      "the server's cancel kept",
    );
    expect(await alice.page.getByRole('textbox', { name: 'Note 1' }).inputValue()).toBe('Finished before I heard it was cancelled.');

    await dana.page.goto(dana.page.url().replace(/#.*$/, '#/'));
    const status = (jobId: string) => dana.page.locator(`[data-testid=board-job][data-job-id="${jobId}"]`).getByTestId('board-status').innerText();
    await eventually(
      () => status(mine),
      (s) => s === 'Completed',
      'dispatcher sees the kept completion',
    );
    expect(await status(theirs)).toBe('Cancelled');
  });
});
