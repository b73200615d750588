/**
 * The pending count a technician reads is in changes (a note typed, an item ticked), not
 * in raw Yjs updates, and it is still zero exactly when the server has durably stored all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type * as Y from 'yjs';
import { addNote, readJob, setChecklistDone } from '@outpost/shared';
import type { JobHandle, OutpostEngine } from '@outpost/client';
import { GatedStore, storeHasAll } from './gated-store';
import { until, World, type NetworkLink } from './harness';

const now = () => new Date().toISOString();

/** Types `words` into a new note one keystroke (one Yjs update) at a time. */
function typeNote(doc: Y.Doc, id: string, words: string): void {
  const text = addNote(doc, { id, author: 'alice', createdAt: now() });
  for (const ch of words) text.insert(text.length, ch);
}

describe('the pending count in changes', () => {
  let world: World;
  afterEach(() => world.close());

  /** Alice's phone with job-1001 synced, then the network cut. */
  async function offlinePhone(store?: (dir: string) => ReturnType<GatedStore['wrap']>): Promise<{ phone: OutpostEngine; job: JobHandle; link: NetworkLink }> {
    world = await World.start({ store });
    const link = await world.link();
    const phone = await world.device('alice-phone', link, 'alice');
    const job = await phone.openJob('job-1001');
    await job.whenSynced();
    link.cut();
    await until('the phone noticed', () => !phone.status.get().connected);
    return { phone, job, link };
  }

  it('counts a note typed offline as one change, not one per keystroke', async () => {
    const { phone, job } = await offlinePhone();
    typeNote(job.doc, 'n1', 'Condenser coil clogged;\ncleaned and rinsed.');
    await until('1 pending', () => phone.status.get().pending === 1);
    expect(phone.status.get().label).toBe('offline (1 pending)');
  });

  it('counts two notes as two changes', async () => {
    const { phone, job } = await offlinePhone();
    typeNote(job.doc, 'n1', 'Filter clogged');
    typeNote(job.doc, 'n2', 'Pilot relit');
    await until('2 pending', () => phone.status.get().pending === 2);
  });

  it('counts ticking and unticking the same checklist item as one change', async () => {
    const { phone, job } = await offlinePhone();
    const [item] = readJob(job.doc).checklist;
    setChecklistDone(job.doc, item!.id, true, 'alice', now());
    setChecklistDone(job.doc, item!.id, false, 'alice', now());
    await until('1 pending', () => phone.status.get().pending === 1);
  });

  it('keeps the count in changes through a restart and reaches zero only after the durable ack', async () => {
    const gate = new GatedStore();
    const { phone, job, link } = await offlinePhone((dir) => gate.wrap(dir));
    typeNote(job.doc, 'n1', 'Compressor hums, fan dead');
    const [item] = readJob(job.doc).checklist;
    setChecklistDone(job.doc, item!.id, true, 'alice', now());
    await until('2 pending', () => phone.status.get().pending === 2);
    job.close();
    await world.stop(phone);

    const reopened = await world.device('alice-phone', link);
    await until('2 pending', () => reopened.status.get().pending === 2);
    const drained: string[] = [];
    reopened.on('drained', (e) => drained.push(e.message));

    gate.shut();
    link.restore();
    reopened.syncNow();
    await until('the server received the edits but holds their commit', () => gate.held > 0);
    await new Promise((r) => setTimeout(r, 200));
    await until('2 pending', () => reopened.status.get().pending === 2);

    gate.reopen();
    await until('nothing is pending', () => reopened.status.get().pending === 0);
    const again = await reopened.openJob('job-1001');
    expect(await storeHasAll(world.server.store, again)).toBe(true);
    expect(drained).toEqual(['2 pending updates were uploaded']);
  });
});
