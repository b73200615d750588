/**
 * Issue 12, case 9: while a technician's jobs download to a fresh device, the list says
 * so with counts ("Saving 7 jobs to this device… 3 of 7") instead of "Today (0) No jobs",
 * and when done says in one line what is ready for working offline.
 */
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../../../test-support/requirements';
import { startField, type Field } from './harness';
import { eventually } from './steps';

// Without Chromium the suite is skipped with hasChromium()'s message; with CI=true it throws instead.
const run = await hasChromium();

/**
 * A slow field network: each job's socket gets the server's messages a little later than
 * the one before, so the downloads finish one by one; and every text the job list's status
 * line and day headings show is recorded.
 */
async function slowDownloadsAndRecord(context: BrowserContext): Promise<void> {
  let sockets = 0;
  await context.routeWebSocket(/\/sync\//, (ws) => {
    const delayMs = 300 * ++sockets;
    const server = ws.connectToServer();
    server.onMessage((m) => void setTimeout(() => ws.send(m), delayMs));
    ws.onMessage((m) => server.send(m));
  });
  await context.addInitScript(() => {
    const seen: string[] = ((window as unknown as { __listTexts: string[] }).__listTexts = []);
    const record = () => {
      const status = document.querySelector('[data-testid=priming-status]')?.textContent;
      const days = [...document.querySelectorAll('h2.day, main p.muted')].map((e) => e.textContent ?? '').join(' | ');
      const text = `${status ?? ''} || ${days}`;
      if (seen.at(-1) !== text) seen.push(text);
    };
    new MutationObserver(record).observe(document, { subtree: true, childList: true, characterData: true });
  });
}

describe.skipIf(!run)('priming a fresh device', () => {
  let field: Field;
  beforeAll(async () => {
    field = await startField();
  });
  afterAll(async () => {
    await field?.close();
  });

  it('counts the jobs as they download and then says what is ready offline, never "No jobs" meanwhile', async () => {
    const bob = await field.signIn('bob', slowDownloadsAndRecord);
    const status = bob.page.getByTestId('priming-status');
    const done = await eventually(
      () => status.innerText().catch(() => ''),
      (t) => t.startsWith('Ready to work offline'),
      'priming done',
      40_000,
    );
    expect(done).toMatch(/^Ready to work offline: 7 jobs, \d+ customers, \d+ pricebook items, \d+ equipment records$/);

    const seen = await bob.page.evaluate(() => (window as unknown as { __listTexts: string[] }).__listTexts);
    const saving = seen.filter((t) => /Saving 7 jobs to this device… \d of 7/.test(t));
    expect(saving.length, seen.join('\n')).toBeGreaterThan(1);
    const beforeReady = seen.slice(
      0,
      seen.findIndex((t) => t.startsWith('Ready to work offline')),
    );
    expect(
      beforeReady.filter((t) => /Today \(0\)|No jobs\./.test(t)),
      'no empty list while saving',
    ).toEqual([]);
    expect(await bob.page.getByTestId('job-card').count()).toBe(7);
  });
});
