/**
 * A job doc rebuilt from what storage holds for it (`DocLog.loadJobDoc`): its snapshot, then
 * its log. Tests and the acceptance suites read stored content through it.
 */
import * as Y from 'yjs';
import type { StoredJobDoc } from './store';

export function storedDoc(stored: StoredJobDoc): Y.Doc {
  const doc = new Y.Doc();
  for (const u of [stored.snapshot, ...stored.updates]) if (u) Y.applyUpdate(doc, u);
  return doc;
}
