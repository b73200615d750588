/**
 * A technician and the dispatcher type into the same note at the same time, the
 * technician offline for part of it: both end with the same text and nothing is lost.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../../../test-support/requirements';
import { startField, type Field } from './harness';
import { eventually, expectAllTyped, gotoJob, noteValue, openFirstJob, setOnline, writeNewNote } from './steps';

// Without Chromium the suite is skipped with hasChromium()'s message; with CI=true it throws instead.
const run = await hasChromium();

/** Types at the start or the end of note 1. */
async function typeAt(page: Page, where: 'start' | 'end', text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Note 1' });
  await box.focus();
  await box.press(where === 'start' ? 'Control+Home' : 'Control+End');
  await box.pressSequentially(text, { delay: 15 });
}

describe.skipIf(!run)('shared note', () => {
  let field: Field;
  beforeAll(async () => {
    field = await startField();
  });
  afterAll(async () => {
    await field?.close();
  });

  it('merges a technician and a dispatcher typing into one note at once, offline for part of it, losing nothing', async () => {
    const alice = await field.signIn('alice');
    const dana = await field.signIn('dana');
    const jobId = await openFirstJob(alice.page);
    await writeNewNote(alice.page, '[start]');
    await gotoJob(dana.page, jobId);
    await eventually(
      () => noteValue(dana.page),
      (v) => v === '[start]',
      'the note on the dispatcher side',
    );
    await dana.page.getByTestId('peer').filter({ hasText: /alice/i }).waitFor();

    const typed: string[] = [];
    const both = async (a: string, d: string) => {
      typed.push(a, d);
      await Promise.all([typeAt(alice.page, 'end', a), typeAt(dana.page, 'start', d)]);
    };
    await both(' tech: fan motor seized.', 'office: customer called twice. ');
    await setOnline(alice.page, false);
    await both(' tech offline: ordered a new motor.', 'office: warranty covers parts. ');
    await setOnline(alice.page, true);
    await alice.page
      .getByTestId('notice')
      .filter({ hasText: /Dana edited the note/ })
      .waitFor();
    await both(' tech: back online.', 'office: thanks. ');

    const final = await eventually(
      async () => [await noteValue(alice.page), await noteValue(dana.page)] as const,
      ([a, d]) => a === d && typed.every((t) => a.includes(t)),
      'both sides to hold the same text with everything typed',
      30_000,
    );
    expectAllTyped(final[0], typed);
    expect(final[0]).toContain('[start]');
    expect(final[0].length).toBe('[start]'.length + typed.join('').length);
  });
});
