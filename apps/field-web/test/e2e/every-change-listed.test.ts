/**
 * Issue 12, case 3: Offline Actions lists every content change one by one (note, tick,
 * photo, signature, time, refrigerant, line item) with its state, next to the status
 * steps; a photo or a signature is one change, not two; and the "N pending updates were
 * uploaded" notice uses the N the indicator showed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../../../test-support/requirements';
import { edgeShot, openOfflineTab, rowTexts, tabCount } from './edge-steps';
import { startField, type Field } from './harness';
import { addPhoto, eventually, indicator, indicatorReads, logTimeRefrigerantAndParts, openFirstJob, setOnline, sign, tapStatus, writeNewNote } from './steps';

// Without Chromium the suite is skipped with hasChromium()'s message; with CI=true it throws instead.
const run = await hasChromium();

const CHANGES = [/Note written/, /Item ticked/, /Photo added/, /Signature/, /Time logged/, /Refrigerant logged/, /Line item added/];

describe.skipIf(!run)('every change is listed', () => {
  let field: Field;
  beforeAll(async () => {
    field = await startField();
  });
  afterAll(async () => {
    await field?.close();
  });

  it('lists each change made offline with its state, counts a photo or signature once, and says the N it showed when they are uploaded', async () => {
    const alice = await field.signIn('alice');
    const page = alice.page;
    await openFirstJob(page);
    await indicatorReads(page, /^Online$/, 30_000);

    await setOnline(page, false);
    await tapStatus(page, 'Start travel', 'En route');
    await page.locator('.checklist input[type=checkbox]').first().check();
    await writeNewNote(page, 'Belt worn; replaced.');
    await addPhoto(page, 'worn belt');
    await sign(page, 'Pat Customer');
    await logTimeRefrigerantAndParts(page, 'Coil cleaning — $125.00');

    // One status step and seven content changes: eight things only on this phone.
    const shown = await indicatorReads(page, /^Offline \(8 pending\)$/);
    await openOfflineTab(page, 'Pending');
    expect(await tabCount(page, 'Pending')).toBe(8);
    const rows = await rowTexts(page);
    for (const change of [...CHANGES, /Move to En route/]) {
      const row = rows.filter((r) => change.test(r));
      expect(row, `one row for ${change}`).toHaveLength(1);
      expect(row[0]).toMatch(/pending/i);
    }
    await edgeShot(page, 'every-change-listed', 1000);

    await setOnline(page, true);
    await indicatorReads(page, /^Online$/, 60_000);
    const n = Number(/\((\d+) pending\)/.exec(shown)?.[1]);
    await page
      .getByTestId('notice')
      .filter({ hasText: `${n} pending updates were uploaded` })
      .waitFor();
    await openOfflineTab(page, 'Sent');
    const sent = await eventually(
      () => rowTexts(page),
      (r) => CHANGES.every((c) => r.some((t) => c.test(t) && /sent/i.test(t))),
      'every change listed as sent',
    );
    expect(sent.filter((t) => /Photo added/.test(t))).toHaveLength(1);
    expect(await indicator(page)).toBe('Online');
  });
});
