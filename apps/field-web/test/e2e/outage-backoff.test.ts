/**
 * Issue 12, case 5: a status step sent while the server answers 503 is retried with
 * growing delays (about 1 s, then 5 s, then flagged), says "Server unavailable — will
 * retry at HH:MM" rather than "refused", keeps being retried in the background after it
 * is flagged, and leaves Errors by itself once the server answers again.
 */
import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../../../test-support/requirements';
import { openOfflineTab, rowTexts } from './edge-steps';
import { startField, type Field } from './harness';
import { eventually, gotoJob, indicatorReads, jobStatus, openFirstJob, tapStatus } from './steps';

// Without Chromium the suite is skipped with hasChromium()'s message; with CI=true it throws instead.
const run = await hasChromium();

describe.skipIf(!run)('a server outage', () => {
  let field: Field;
  beforeAll(async () => {
    field = await startField();
  });
  afterAll(async () => {
    await field?.close();
  });

  it('retries a step with growing delays through a 503 outage and clears it from Errors once the server is back', async () => {
    const alice = await field.signIn('alice');
    const page = alice.page;
    const jobId = await openFirstJob(page);
    await indicatorReads(page, /^Online$/, 30_000);

    const attempts: number[] = [];
    const outage = (route: Route) => {
      attempts.push(Date.now());
      return route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({ error: { code: 'unavailable', message: 'The server is busy; try again shortly.' } }),
      });
    };
    await alice.context.route('**/api/jobs/*/ops', outage);
    await tapStatus(page, 'Start travel', 'En route');

    await openOfflineTab(page, 'All');
    const stepRow = async () => (await rowTexts(page)).find((t) => /Move to En route/.test(t)) ?? '';
    await eventually(stepRow, (t) => /Server unavailable — will retry at (?:\w+ )?\d\d:\d\d/.test(t), 'the retry time on the step');
    expect(await stepRow()).not.toMatch(/refused/i);

    // Three tries, spread out (about 1 s then 5 s apart), then the step is flagged in Errors.
    await eventually(
      async () => attempts.length,
      (n) => n >= 3,
      'three attempts',
      20_000,
    );
    expect(attempts[1]! - attempts[0]!).toBeGreaterThanOrEqual(700);
    expect(attempts[2]! - attempts[1]!).toBeGreaterThanOrEqual(3_500);
    await indicatorReads(page, /^Sync failed \(1 item\)$/, 10_000);
    await openOfflineTab(page, 'Errors');
    await eventually(stepRow, (t) => /Server unavailable — will retry at (?:\w+ )?\d\d:\d\d/.test(t), 'the flagged step says when it retries');

    // The server comes back: nobody taps Retry, yet the step goes through and leaves Errors.
    await alice.context.unroute('**/api/jobs/*/ops', outage);
    await indicatorReads(page, /^Online$/, 60_000);
    await openOfflineTab(page, 'Sent');
    await eventually(stepRow, (t) => /sent/i.test(t), 'the step sent');
    expect(attempts.length).toBeLessThanOrEqual(4);
    await gotoJob(page, jobId);
    expect(await jobStatus(page)).toBe('En route');
  });
});
