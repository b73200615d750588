/**
 * Issue 16 item 4: work queued offline reaches the server after the app is closed. The
 * technician starts travel, writes a note and takes a 200 KB photo with no signal, closes
 * the app; the network returns with no Outpost page open, and the service worker's `sync`
 * handler uploads the status op, the note (POST /api/jobs/:id/updates) and the photo (in
 * resumable chunks), then shows the system notification (permission granted).
 *
 * Which path this proves: headless Chromium does not fire Background Sync on its own when
 * the emulated network returns, so the test dispatches the registered `sync` event through
 * the DevTools protocol (ServiceWorker.dispatchSyncEvent) — the worker's real handler, the
 * browser's wake-up trigger stood in for.
 */
import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium } from '../../../../test-support/requirements';
import type { CDPSession } from 'playwright-core';
import { startField, type Field, type Person } from './harness';
import { DEVICE_NAME } from '../../src/app/device';
import { eventually, openFirstJob, setOnline, tapStatus, writeNewNote } from './steps';

/** A JSON body as parsed: the job's JSON; the check below reads the fields it needs. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON as parsed, read field by field by the tests
type Json = any;

const run = await hasChromium();

async function tokenOf(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'outpost' }) });
  return ((await res.json()) as { token: string }).token;
}

/** The registration id of the device's service worker, read over DevTools from a blank tab (no app in it). */
async function workerRegistration(person: Person): Promise<{ cdp: CDPSession; registrationId: string }> {
  const blank = await person.context.newPage();
  const cdp = await person.context.newCDPSession(blank);
  const registrations: string[] = [];
  cdp.on('ServiceWorker.workerRegistrationUpdated', (e: { registrations: { registrationId: string; isDeleted: boolean }[] }) => {
    for (const r of e.registrations) if (!r.isDeleted) registrations.push(r.registrationId);
  });
  await cdp.send('ServiceWorker.enable');
  await eventually(
    async () => registrations.length,
    (n) => n > 0,
    'the service worker registration',
  );
  return { cdp, registrationId: registrations[0]! };
}

/** Closes the app, restores the network and fires the worker's `sync` event (see the module comment). */
async function closeAppAndSync(field: Field, person: Person): Promise<void> {
  const { cdp, registrationId } = await workerRegistration(person);
  await person.page.close();
  await person.context.setOffline(false);
  await cdp.send('ServiceWorker.dispatchSyncEvent', { origin: field.url, registrationId, tag: 'outpost-drain', lastChance: false });
}

describe.skipIf(!run)('uploads with the app closed', () => {
  let field: Field;
  beforeAll(async () => {
    field = await startField();
  });
  afterAll(async () => {
    await field?.close();
  });

  it('sends a status step, a note and a photo queued offline once the network returns, with no page open', async () => {
    const alice = await field.signIn('alice', (context) => context.grantPermissions(['notifications'], { origin: field.url }));
    const jobId = await openFirstJob(alice.page);
    await setOnline(alice.page, false);
    await tapStatus(alice.page, 'Start travel', 'En route');
    await writeNewNote(alice.page, 'Gate code 4411');
    const photo = randomBytes(200_000);
    await alice.page.getByLabel('Take or choose photo').setInputFiles({ name: 'unit.jpg', mimeType: 'image/jpeg', buffer: photo });
    await eventually(
      () => alice.page.getByTestId('photo').count(),
      (n) => n === 1,
      'the photo on the job',
    );
    // Typed text is recorded in small batches: let the last one land before the app closes.
    await alice.page.waitForTimeout(1500);

    await closeAppAndSync(field, alice);

    const dana = await tokenOf(field.url, 'dana');
    const job = await eventually(
      async () => (await (await fetch(`${field.url}/api/jobs/${jobId}`, { headers: { authorization: `Bearer ${dana}` } })).json()) as Json,
      (j) => j.job?.status === 'en_route' && j.content?.notes?.some((n: { text: string }) => n.text.includes('Gate code 4411')) && j.content?.photos?.length === 1,
      'the status, note and photo on the server',
      60_000,
    );
    const blob = await eventually(
      async () => fetch(`${field.url}/api/blobs/${job.content.photos[0].id}`, { headers: { authorization: `Bearer ${dana}` } }),
      (r) => r.status === 200,
      'the photo bytes on the server',
      60_000,
    );
    expect(Buffer.from(await blob.arrayBuffer()).equals(photo)).toBe(true);

    // With permission granted and no page showing, the worker told the person (issue 16 item 5).
    const probe = await alice.context.newPage();
    await probe.goto(`${field.url}/healthz`);
    const shown = await eventually(
      () =>
        probe.evaluate(async () => {
          const registration = await navigator.serviceWorker.getRegistration();
          return (await (registration?.getNotifications({ tag: 'outpost-drained' }) ?? Promise.resolve([]))).map((n) => n.body);
        }),
      (bodies) => bodies.length > 0,
      'the system notification',
    );
    expect(shown[0]).toMatch(/^\d+ pending updates were uploaded when the connection returned\.$/);
  });
});

/** The device's outbox as stored in its IndexedDB (read from a page of the app's origin). */
async function storedOutbox(person: Person, url: string): Promise<{ to: string; state: string; attempts: number; error: unknown }[]> {
  const probe = await person.context.newPage();
  await probe.goto(`${url}/healthz`);
  return probe.evaluate(
    (name) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open(name);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const all = db.transaction('outbox').objectStore('outbox').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            db.close();
            resolve(
              (all.result as { op: { to: string }; state: string; attempts: number; error?: unknown }[]).map((i) => ({
                to: i.op.to,
                state: i.state,
                attempts: i.attempts,
                error: i.error ?? null,
              })),
            );
          };
        };
      }),
    `outpost-device:${DEVICE_NAME}`,
  );
}

describe.skipIf(!run)('uploads with the app closed, content the server refuses', () => {
  let field: Field;
  beforeAll(async () => {
    // A job may hold 30 KB of content: the note below cannot fit.
    field = await startField({ maxJobBytes: 30_000 });
  });
  afterAll(async () => {
    await field?.close();
  });

  it('holds the status step behind the note the server refused, untried, and still uploads the photo', async () => {
    const alice = await field.signIn('alice');
    const jobId = await openFirstJob(alice.page);
    await setOnline(alice.page, false);
    const notes = alice.page.getByRole('textbox', { name: /^Note \d+$/ });
    await alice.page.getByRole('button', { name: 'Add note' }).click();
    await notes.last().fill(`Meter log ${'0123456789'.repeat(4_000)}`);
    await tapStatus(alice.page, 'Start travel', 'En route');
    const photo = randomBytes(100_000);
    await alice.page.getByLabel('Take or choose photo').setInputFiles({ name: 'meter.jpg', mimeType: 'image/jpeg', buffer: photo });
    await eventually(
      () => alice.page.getByTestId('photo').count(),
      (n) => n === 1,
      'the photo on the job',
    );
    await alice.page.waitForTimeout(1500);

    await closeAppAndSync(field, alice);
    const dana = await tokenOf(field.url, 'dana');
    // The photo's bytes are the drain's last step: once they are stored, its ops step is over.
    await eventually(
      async () => (await fetch(`${field.url}/api/blobs/${createHash('sha256').update(photo).digest('hex')}`, { headers: { authorization: `Bearer ${dana}` } })).status,
      (status) => status === 200,
      'the photo bytes on the server',
      60_000,
    );
    const job = (await (await fetch(`${field.url}/api/jobs/${jobId}`, { headers: { authorization: `Bearer ${dana}` } })).json()) as { job: { status: string } };
    expect(job.job.status).toBe('scheduled');
    // Not sent ahead of its content: still queued, no attempt, no error.
    expect(await storedOutbox(alice, field.url)).toEqual([{ to: 'en_route', state: 'queued', attempts: 0, error: null }]);
  });
});
