// Bundled by scenarios/cold-open.ts with esbuild for Chromium (not part of the typecheck:
// y-indexeddb resolves from packages/client). Seeds a job doc into IndexedDB through
// y-indexeddb, one stored update per field action, then times opening it.
import * as Y from 'yjs';
import { IndexeddbPersistence } from 'y-indexeddb';
import { fieldAction, newFieldDevice } from '../src/load/field-work';

const w = window as unknown as Record<string, unknown>;

w.seedJob = async (name: string, actions: number) => {
  const device = newFieldDevice(name, 'alice');
  const persistence = new IndexeddbPersistence(name, device.doc);
  await persistence.whenSynced;
  for (let i = 0; i < actions; i++) {
    fieldAction(device);
    // Let y-indexeddb's store transactions run now and then instead of queueing 10,000.
    if (i % 500 === 499) await new Promise((r) => setTimeout(r, 0));
  }
  await new Promise((r) => setTimeout(r, 500));
  await persistence.destroy();
  return Y.encodeStateAsUpdate(device.doc).length;
};

w.openJob = async (name: string) => {
  const t0 = performance.now();
  const doc = new Y.Doc({ guid: name });
  const persistence = new IndexeddbPersistence(name, doc);
  await persistence.whenSynced;
  const ms = performance.now() - t0;
  const length = doc.getArray('notes').length;
  await persistence.destroy();
  return { ms, length };
};
