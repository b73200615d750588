/**
 * Lists without polling (issue 15.2): a job the dispatcher creates and assigns appears on
 * the technician's open list as the server pushes it, and a reassignment moves it from one
 * technician's list to the other's — no reload, no timer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../../../test-support/requirements';
import { startField, type Field } from './harness';

// Without Chromium the suite is skipped with hasChromium()'s message; with CI=true it throws instead.
const run = await hasChromium();

describe.skipIf(!run)('pushed job lists', () => {
  let field: Field;
  beforeAll(async () => {
    field = await startField();
  });
  afterAll(async () => {
    await field?.close();
  });

  it("puts a new job on the technician's open list within 1 s, and moves it to another's on reassignment", async () => {
    const dana = await field.signIn('dana');
    const alice = await field.signIn('alice');
    const bob = await field.signIn('bob');
    const title = 'Walk-in freezer iced over';
    const card = (page: typeof alice.page) => page.getByTestId('job-card').filter({ hasText: title });
    await alice.page.getByTestId('job-card').first().waitFor();
    await bob.page.getByTestId('job-card').first().waitFor();

    await dana.page.getByRole('link', { name: 'New job' }).click();
    await dana.page.getByLabel('Title').fill(title);
    await dana.page.getByLabel('Technician', { exact: true }).selectOption('alice');
    await dana.page.getByRole('button', { name: 'Create job' }).click();
    const created = Date.now();
    await card(alice.page).waitFor({ timeout: 1_000 });
    expect(Date.now() - created).toBeLessThan(1_000);
    expect(await card(bob.page).count()).toBe(0);

    await dana.page.getByTestId('job-status').waitFor();
    const jobId = decodeURIComponent(new URL(dana.page.url()).hash.replace('#/job/', ''));
    await dana.page.goto(dana.page.url().replace(/#.*$/, '#/'));
    const row = dana.page.locator(`[data-testid=board-job][data-job-id="${jobId}"]`);
    const chip = (name: string) => row.getByRole('button', { name: `${name} on ${title}` });
    await chip('Bob Okafor').click();
    await card(bob.page).waitFor({ timeout: 1_000 });
    await chip('Alice Moreno').click();
    const reassigned = Date.now();
    await card(alice.page).waitFor({ state: 'detached', timeout: 1_000 });
    expect(Date.now() - reassigned).toBeLessThan(1_000);
    expect(await card(bob.page).count()).toBe(1);
  });
});
