/**
 * Location for time tracking: with the permission granted and a set position, starting
 * travel asks once with the reason, records a reading into the job, and the dispatcher's
 * board shows where the technician is and how old that is; a reading taken offline reaches
 * the board after reconnecting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../../../test-support/requirements';
import { startField, type Field } from './harness';
import { eventually, openFirstJob, setOnline, tapStatus } from './steps';

// Without Chromium the suite is skipped with hasChromium()'s message; with CI=true it throws instead.
const run = await hasChromium();

describe.skipIf(!run)('location for time tracking', () => {
  let field: Field;
  beforeAll(async () => {
    field = await startField();
  });
  afterAll(async () => {
    await field?.close();
  });

  it('records positions while en route, offline too, and shows the last one with its age on the board', async () => {
    const alice = await field.signIn('alice');
    const dana = await field.signIn('dana');
    await alice.context.grantPermissions(['geolocation'], { origin: field.url });
    await alice.context.setGeolocation({ latitude: 52.52, longitude: 13.405, accuracy: 10 });
    // Readings every 1.5 s instead of three an hour, so the test sees a second one.
    await alice.page.evaluate(() => localStorage.setItem('outpost.locationIntervalMs', '1500'));
    await alice.page.reload();
    const page = alice.page;
    await openFirstJob(page);
    expect(await page.getByRole('dialog', { name: 'Location for time tracking' }).count()).toBe(0);

    await tapStatus(page, 'Start travel', 'En route');
    const ask = page.getByRole('dialog', { name: 'Location for time tracking' });
    await ask.waitFor();
    expect(await ask.innerText()).toContain('a few times an hour');
    await ask.getByRole('button', { name: 'Allow location' }).click();

    const position = dana.page.getByTestId('tech-position').filter({ hasText: 'Alice Moreno' });
    await eventually(
      () => position.innerText().catch(() => ''),
      (t) => t.includes('52.5200, 13.4050'),
      'alice on the board',
      20_000,
    );
    expect(await position.getByTestId('position-age').innerText()).toBe('just now');
    expect(await position.innerText()).toContain('±10 m');

    await setOnline(page, false);
    await alice.context.setGeolocation({ latitude: 52.6, longitude: 13.5, accuracy: 25 });
    await new Promise((r) => setTimeout(r, 3_500));
    expect(await position.innerText()).toContain('52.5200, 13.4050');
    await setOnline(page, true);
    await eventually(
      () => position.innerText(),
      (t) => t.includes('52.6000, 13.5000') && t.includes('±25 m'),
      'the offline reading on the board',
      20_000,
    );

    // Arrived: no longer en route, no clock running, so readings stop.
    await tapStatus(page, "I'm here", 'On site');
    await new Promise((r) => setTimeout(r, 1_000));
    await alice.context.setGeolocation({ latitude: 40.0, longitude: -3.7, accuracy: 5 });
    await new Promise((r) => setTimeout(r, 4_000));
    expect(await position.innerText()).not.toContain('40.0000');
  });
});
