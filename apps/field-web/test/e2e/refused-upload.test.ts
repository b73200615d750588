/**
 * Issue 12, case 4: a photo the server refuses (here a 415, for a file that is not an
 * image) shows in Errors with the server's reason and Retry / Discard, also after a
 * reload; Discard asks first and says what is lost. Case 10: meanwhile the storage banner
 * does not tell a person who is online to "Connect to sync".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../../../test-support/requirements';
import { edgeShot, openOfflineTab, rowTexts } from './edge-steps';
import { startField, type Field } from './harness';
import { eventually, indicatorReads, openFirstJob } from './steps';

// Without Chromium the suite is skipped with hasChromium()'s message; with CI=true it throws instead.
const run = await hasChromium();

describe.skipIf(!run)('a refused upload', () => {
  let field: Field;
  beforeAll(async () => {
    field = await startField();
  });
  afterAll(async () => {
    await field?.close();
  });

  it('lists a refused photo in Errors with the reason, keeps it there after a reload, retries it, and discards it only after asking', async () => {
    const alice = await field.signIn('alice');
    let page = alice.page;
    const jobId = await openFirstJob(page);
    await indicatorReads(page, /^Online$/, 30_000);

    await page.getByLabel('Caption').fill('service report');
    await page.getByLabel('Take or choose photo').setInputFiles({ name: 'report.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 not a photo') });
    await indicatorReads(page, /^Sync failed \(1 item\)$/, 30_000);

    // Case 10: online, the banner must not ask for a connection the phone already has.
    const banner = page.getByRole('alert').filter({ hasText: /unsynced|storage/i });
    const bannerText = (await banner.count()) > 0 ? await banner.first().innerText() : '';
    expect(bannerText).not.toMatch(/Connect to sync/);

    await openOfflineTab(page, 'Errors');
    const refused = async () => (await rowTexts(page)).filter((t) => /Photo added/.test(t));
    const [row] = await eventually(refused, (r) => r.length === 1, 'the refused photo in Errors');
    expect(row).toMatch(/Refused: Send blobs as image\/\* or application\/octet-stream\./);
    await edgeShot(page, 'refused-upload', 900);

    await page.close();
    page = await alice.reopen('#/offline-actions');
    await openOfflineTab(page, 'Errors');
    await eventually(refused, (r) => r.length === 1, 'the refused photo still in Errors after a reload');

    const card = page.getByTestId('change-item').filter({ hasText: 'Photo added' });
    await card.getByRole('button', { name: 'Retry' }).click();
    await eventually(refused, (r) => r.length === 1 && /Refused:/.test(r[0]!), 'refused again after Retry');

    let asked = '';
    page.once('dialog', (d) => {
      asked = d.message();
      void d.accept();
    });
    await card.getByRole('button', { name: 'Discard' }).click();
    await eventually(refused, (r) => r.length === 0, 'the photo discarded');
    expect(asked).toMatch(/photo/i);
    expect(asked).toMatch(/lost|removed|deleted/i);
    await indicatorReads(page, /^Online$/, 30_000);
    await page.evaluate((id) => (window.location.hash = `#/job/${encodeURIComponent(id)}`), jobId);
    await page.getByTestId('job-status').waitFor();
    expect(await page.getByRole('img', { name: /service report/ }).count()).toBe(0);
  });
});
