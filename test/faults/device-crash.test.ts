import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addNote, readJob, setChecklistDone } from '@outpost/shared';
import { missingNotes } from './support/checks';
import { crash as crashDevice, owed, startDevice, until, type Device } from './support/devices';
import { DEMO, JOBS, startOutpost, type Outpost } from './support/outpost';
import { withSeed } from './support/seed';
import { RelayClient } from '../../test-support/relay-client';

/**
 * Where the crash lands:
 * - `never-sent`: the network is gone; the work is only on the device;
 * - `sent-unanswered`: the server received everything but the device heard nothing back;
 * - `torn`: bytes were held, then the connection died mid-frame.
 */
const CRASHES = ['never-sent', 'sent-unanswered', 'torn'] as const;

let outpost: Outpost;
const devices: Device[] = [];
beforeEach(async () => {
  outpost = await startOutpost();
});
afterEach(async () => {
  for (const d of devices.splice(0)) {
    await d.engine.destroy().catch(() => undefined);
    await d.proxy.close();
  }
  await outpost.stop();
});

describe('device crash between local write and upload', () => {
  it('loses nothing when a new engine on the same device storage takes over', async () => {
    await withSeed('device crash', async (rng) => {
      const run = Math.random().toString(36).slice(2, 8);
      const crashed = await Promise.all(
        CRASHES.map(async (crash) => {
          const name = `alice-${crash}-${run}`;
          const device = await startDevice(name, outpost.server.port, { user: 'alice', rng: rng.fork() });
          devices.push(device);
          const job = await device.engine.openJob(JOBS.aliceOnly);
          await until(`${crash}: job synced`, () => job.synced);
          // Synced means the device has the server's state; its own changes go live once the
          // server's step 1 (sent after its step 2) is answered. One change acked proves that,
          // so the cut below lands between a live write and its upload, not before the link is up.
          addNote(job.doc, { id: `${crash}-warm-up-${run}`, author: 'alice', createdAt: new Date().toISOString(), text: 'link up' });
          await until(`${crash}: a first change acked`, () => owed(device).pending === 0);
          const checklistId = readJob(job.doc).checklist[rng.int(0, readJob(job.doc).checklist.length - 1)]!.id;

          if (crash === 'never-sent') device.proxy.partition();
          if (crash === 'sent-unanswered') device.proxy.dropReplies = true;
          if (crash === 'torn') device.proxy.stall();

          const notes = [1, 2, 3].map((i) => `${crash}-note-${i}-${run}`);
          for (const id of notes) addNote(job.doc, { id, author: 'alice', createdAt: new Date().toISOString(), text: `typed before the ${crash} crash` });
          setChecklistDone(job.doc, checklistId, true, 'alice', new Date().toISOString());
          const op = await device.engine.submitOp(JOBS.aliceOnly, { kind: 'transition', to: 'en_route' });
          const photo = await device.engine.blobs.putPhoto(JOBS.aliceOnly, Buffer.from(`photo ${crash} ${run}`), { kind: 'before', mime: 'image/jpeg' });
          await until(`${crash}: the work is recorded on the device`, () => owed(device).pending > 0 && owed(device).queued + owed(device).blobs > 0);
          if (crash === 'sent-unanswered') {
            const server = await RelayClient.connect({ baseUrl: outpost.url, jobId: JOBS.aliceOnly, token: outpost.token(DEMO.dana), acks: false });
            await server.whenSynced;
            await until('the server received the notes', () => missingNotes(notes, server.doc).length === 0);
            await server.close();
          }
          // The crash: the app is gone mid-flight. Its storage stays; its network never comes back.
          if (crash === 'torn') {
            // The held bytes start to flow and the line dies part-way through a frame.
            device.proxy.cutAll(1000);
            device.proxy.resume();
            await until('a frame was torn', () => device.proxy.stats.midFrameCuts > 0, 5000);
          }
          crashDevice(device);
          return { crash, name, notes, checklistId, opId: op.opId, photoId: photo.id };
        }),
      );

      const takeovers = await Promise.all(
        crashed.map(async (c) => {
          const device = await startDevice(c.name, outpost.server.port);
          devices.push(device);
          expect(device.engine.user?.id, `${c.crash}: session restored from the device`).toBe('alice');
          device.engine.syncNow();
          return { ...c, device };
        }),
      );
      for (const t of takeovers) {
        await until(
          `${t.crash}: the new engine uploaded everything`,
          () => {
            const o = owed(t.device);
            return o.pending === 0 && o.queued === 0 && o.errors === 0 && o.blobs === 0;
          },
          45_000,
        ).catch((err: Error) => {
          throw new Error(
            `${err.message}; still owed: ${JSON.stringify(owed(t.device))}, outbox errors: ${JSON.stringify(t.device.engine.outbox.list().errors.map((e) => e.error))}`,
          );
        });
      }

      const office = await RelayClient.connect({ baseUrl: outpost.url, jobId: JOBS.aliceOnly, token: outpost.token(DEMO.dana), acks: false });
      await office.whenSynced;
      const ops = await outpost.server.store.listOps(JOBS.aliceOnly);
      for (const t of takeovers) {
        expect(missingNotes(t.notes, office.doc), t.crash).toEqual([]);
        expect(readJob(office.doc).checklist.find((i) => i.id === t.checklistId)?.done, t.crash).toBe(true);
        expect(
          ops.filter((o) => o.opId === t.opId),
          `${t.crash}: op logged exactly once`,
        ).toHaveLength(1);
        expect(await outpost.server.store.getBlob(t.photoId), `${t.crash}: photo stored`).not.toBeNull();
        expect(
          readJob(office.doc).photos.some((p) => p.id === t.photoId),
          `${t.crash}: photo in the doc`,
        ).toBe(true);
      }
      await office.close();
    });
  });
});
