/**
 * Steps a person takes in the field app, in the words of the screens (roles and labels),
 * so the tests read like the scenarios they check.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** A 1×1 PNG, standing in for a camera photo. */
export const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkaPhfDwAE/wH/qXf6NQAAAABJRU5ErkJggg==', 'base64');

/** Waits until `read` returns a value passing `ok` (bounded), and returns it. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!ok(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 150));
    last = await read();
  }
  return last;
}

/** The header indicator's text. */
export function indicator(page: Page): Promise<string> {
  return page.getByTestId('sync-indicator').innerText();
}

/** Waits for the header indicator to match. */
export function indicatorReads(page: Page, pattern: RegExp, timeoutMs?: number): Promise<string> {
  return eventually(
    () => indicator(page),
    (t) => pattern.test(t),
    `indicator ${pattern}`,
    timeoutMs,
  );
}

/**
 * What the indicator reads once it stopped changing (the count follows a change by one
 * read of the device, a few ms): two reads half a second apart that agree.
 */
export async function settledIndicator(page: Page): Promise<string> {
  let last = await indicator(page);
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await indicator(page);
    if (now === last) return now;
    last = now;
  }
}

/** Opens the first of the technician's jobs for today; resolves to its id. */
export async function openFirstJob(page: Page, index = 0): Promise<string> {
  const card = page.getByTestId('job-card').nth(index);
  await card.waitFor();
  const href = (await card.getAttribute('href')) ?? '';
  await card.click();
  await page.getByTestId('job-status').waitFor();
  return decodeURIComponent(href.replace('#/job/', ''));
}

/** Opens a job by id through its address. */
export async function gotoJob(page: Page, jobId: string): Promise<void> {
  await page.evaluate((id) => (window.location.hash = `#/job/${encodeURIComponent(id)}`), jobId);
  await page.getByTestId('job-status').waitFor();
}

/** The job's status as shown. */
export function jobStatus(page: Page): Promise<string> {
  return page.getByTestId('job-status').innerText();
}

/** Taps a big status button and waits for the status it leads to. */
export async function tapStatus(page: Page, button: string, expected: string): Promise<void> {
  await page.getByRole('button', { name: button, exact: true }).click();
  await eventually(
    () => jobStatus(page),
    (s) => s === expected,
    `status ${expected}`,
  );
}

/** Ticks every checklist item that is not ticked yet; resolves to how many were ticked. */
export async function tickAll(page: Page, onlyRequired = false): Promise<number> {
  const items = page.locator('.checklist li');
  const n = await items.count();
  let ticked = 0;
  for (let i = 0; i < n; i++) {
    const item = items.nth(i);
    if (onlyRequired && !(await item.innerText()).includes('REQUIRED')) continue;
    const box = item.getByRole('checkbox');
    if (!(await box.isChecked())) {
      await box.check();
      ticked++;
    }
  }
  return ticked;
}

/** Adds a note and types `text` into it. */
export async function writeNewNote(page: Page, text: string): Promise<void> {
  const notes = page.getByRole('textbox', { name: /^Note \d+$/ });
  const before = await notes.count();
  await page.getByRole('button', { name: 'Add note' }).click();
  await eventually(
    () => notes.count(),
    (n) => n === before + 1,
    'a new note',
  );
  await notes.nth(before).click();
  await notes.nth(before).pressSequentially(text, { delay: 5 });
}

/** Adds a photo through the file input. */
export async function addPhoto(page: Page, caption: string): Promise<void> {
  const before = await page.getByTestId('photo').count();
  await page.getByLabel('Caption').fill(caption);
  await page.getByLabel('Take or choose photo').setInputFiles({ name: 'unit.png', mimeType: 'image/png', buffer: TINY_PNG });
  await eventually(
    () => page.getByTestId('photo').count(),
    (n) => n === before + 1,
    'the photo thumbnail',
  );
}

/** Signs on the canvas as `signer` and saves. */
export async function sign(page: Page, signer: string): Promise<void> {
  const pad = page.getByRole('img', { name: /Signature pad/ });
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + 20, box.y + box.height / 2);
  await page.mouse.down();
  for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + 20 + i * 25, box.y + box.height / 2 + (i % 2 ? 20 : -20));
  await page.mouse.up();
  await page.getByLabel("Signer's name").fill(signer);
  await page.getByRole('button', { name: 'Save signature' }).click();
  await page.getByTestId('signed').waitFor();
}

/** Goes offline or online and waits for the Connection row to say so. */
export async function setOnline(page: Page, online: boolean): Promise<void> {
  await page.context().setOffline(!online);
  const want = online ? 'Online' : 'Offline';
  await eventually(
    () => page.getByTestId('connection').innerText(),
    (t) => t.includes(want),
    `Connection ${want}`,
    30_000,
  );
}

/** The text of note `index` (0-based). */
export function noteValue(page: Page, index = 0): Promise<string> {
  return page.getByRole('textbox', { name: `Note ${index + 1}` }).inputValue();
}

/** Asserts that every fragment appears whole in `text`. */
export function expectAllTyped(text: string, fragments: readonly string[]): void {
  for (const f of fragments) expect(text).toContain(f);
}

/** A screenshot of the top `height` px of the screen at phone width (the sticky header stays put). */
export async function phoneShot(page: Page, path: string, height = 780): Promise<void> {
  const size = page.viewportSize();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.setViewportSize({ width: 360, height });
  await page.screenshot({ path });
  if (size) await page.setViewportSize(size);
}

/** Dismisses the passing notices (drained, merge summaries), as a person tapping ✕ would. */
export async function dismissNotices(page: Page): Promise<void> {
  const close = page.getByRole('button', { name: 'Dismiss notice' });
  for (let i = 0; i < 10 && (await close.count()) > 0; i++) await close.first().click();
}

/** Runs the work clock, logs refrigerant and adds a pricebook line item. */
export async function logTimeRefrigerantAndParts(page: Page, part: string): Promise<void> {
  await page.getByRole('button', { name: 'Start clock' }).click();
  await page.getByLabel('Amount (oz)').fill('12');
  await page.getByLabel('Cylinder').fill('CYL-7');
  await page.getByRole('button', { name: 'Log refrigerant' }).click();
  await page.getByRole('combobox', { name: 'Pricebook item' }).selectOption({ label: part });
  await page.getByRole('button', { name: 'Add item' }).click();
  await page.getByRole('button', { name: /^Stop .* clock$/ }).click();
}

/**
 * The screen holds at phone width (nothing scrolls sideways) and every control has a name
 * a screen reader can say: a label, an aria-label or its own text.
 */
export async function expectUsableOnPhone(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('input, select, textarea, button, a[href]')]
      .filter((el) => {
        const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
        return !labelled && !(el.textContent ?? '').trim();
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  expect(unnamed).toEqual([]);
}

/**
 * Starts watching the page for an element matching `selector` whose text contains every one of `texts`
 * (a MutationObserver in the page, so no test-side polling blurs the time); the returned
 * function resolves to the wall-clock time it first appeared (same machine clock as the
 * test), waiting up to `timeoutMs` for it.
 */
export async function watchAppearance(page: Page, selector: string, ...texts: string[]): Promise<(timeoutMs?: number) => Promise<number>> {
  const key = `${selector}|${texts.join('|')}`;
  await page.evaluate(
    ([key, selector, texts]) => {
      const w = window as unknown as { seen?: Record<string, number> };
      w.seen ??= {};
      const check = () => {
        if (w.seen![key] !== undefined) return;
        if ([...document.querySelectorAll(selector)].some((el) => texts.every((t) => (el.textContent ?? '').includes(t)))) w.seen![key] = Date.now();
      };
      check();
      new MutationObserver(check).observe(document.body, { childList: true, subtree: true, characterData: true });
    },
    [key, selector, texts] as const,
  );
  return async (timeoutMs = 10_000) => {
    const handle = await page.waitForFunction((key) => (window as unknown as { seen: Record<string, number> }).seen[key], key, { timeout: timeoutMs });
    return (await handle.jsonValue()) as number;
  };
}

/** Counts the requests a page makes to API paths matching `pattern`, from now on. */
export function countRequests(page: Page, pattern: RegExp): { count(): number } {
  let n = 0;
  page.on('request', (req) => {
    if (pattern.test(new URL(req.url()).pathname)) n++;
  });
  return { count: () => n };
}

/**
 * Resolves once `page` has asked for no path matching `pattern` for `quietMs` (the reads a
 * sign-in and the channel's first `listsStale` start, paced by the board, have finished).
 */
export async function settledReads(page: Page, pattern: RegExp, quietMs = 1_000, timeoutMs = 20_000): Promise<void> {
  let last = Date.now();
  const onRequest = (req: { url(): string }) => {
    if (pattern.test(new URL(req.url()).pathname)) last = Date.now();
  };
  page.on('request', onRequest);
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() - last < quietMs) {
      if (Date.now() > deadline) throw new Error(`the page kept reading ${pattern} for ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    page.off('request', onRequest);
  }
}
