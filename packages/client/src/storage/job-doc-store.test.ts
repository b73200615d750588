import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import { JobDocStore } from './job-doc-store';

/** A doc with its store, loaded, recording what happens to the doc from now on. */
async function stored(name: string): Promise<{ doc: Y.Doc; store: JobDocStore; errors: unknown[] }> {
  const doc = new Y.Doc();
  const errors: unknown[] = [];
  const store = new JobDocStore(name, doc, (e) => errors.push(e));
  await store.loaded;
  return { doc, store, errors };
}

describe('the job doc store on the device', () => {
  afterEach(() => vi.restoreAllMocks());

  it('commits a burst of updates made while a write is in flight together (group commit), and a reload has every one', async () => {
    const name = `doc-${crypto.randomUUID()}`;
    const { doc, store } = await stored(name);
    const transactions = vi.spyOn(IDBDatabase.prototype, 'transaction');
    for (let i = 0; i < 200; i++) doc.getText('note').insert(i, 'x');
    await store.flushed();
    // The first update's write, then one for the 199 that came while it was in flight.
    expect(transactions.mock.calls.filter(([, mode]) => mode === 'readwrite').length).toBeLessThanOrEqual(2);
    await store.destroy();

    const again = await stored(name);
    expect(again.doc.getText('note').toString()).toBe('x'.repeat(200));
    await again.store.destroy();
  });
});
