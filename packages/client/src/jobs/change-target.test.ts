import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
  addLineItem,
  addLocation,
  addNote,
  addPhoto,
  newJobDoc,
  noteText,
  removeLineItem,
  setChecklistDone,
  addChecklistItem,
  setPhotoCaption,
  setSignature,
} from '@outpost/shared';
import { changeTarget } from './change-target';

/** Runs `write` on a job doc and returns the targets of the transactions it made. */
function targetsOf(doc: Y.Doc, write: () => void): string[] {
  const seen: string[] = [];
  const listen = (tx: Y.Transaction) => seen.push(changeTarget(tx));
  doc.on('afterTransaction', listen);
  write();
  doc.off('afterTransaction', listen);
  return seen;
}

const at = '2025-01-01T10:00:00.000Z';

describe('what a local edit touched', () => {
  it('names a new note and the typing in it as the same note', () => {
    const doc = newJobDoc('j1');
    expect(targetsOf(doc, () => addNote(doc, { id: 'n1', author: 'alice', createdAt: at }))).toEqual(['notes/n1']);
    const text = noteText(doc, 'n1')!;
    expect(
      targetsOf(doc, () => {
        text.insert(0, 'F');
        text.insert(1, 'an');
        text.delete(0, 1);
      }),
    ).toEqual(['notes/n1', 'notes/n1', 'notes/n1']);
  });

  it('tells two notes apart', () => {
    const doc = newJobDoc('j1');
    addNote(doc, { id: 'n1', author: 'alice', createdAt: at });
    expect(targetsOf(doc, () => addNote(doc, { id: 'n2', author: 'alice', createdAt: at }))).toEqual(['notes/n2']);
  });

  it('names the checklist item that was ticked or unticked', () => {
    const doc = newJobDoc('j1');
    addChecklistItem(doc, { id: 'c1', label: 'Filter', required: true });
    addChecklistItem(doc, { id: 'c2', label: 'Coil', required: false });
    expect(
      targetsOf(doc, () => {
        setChecklistDone(doc, 'c1', true, 'alice', at);
        setChecklistDone(doc, 'c1', false, 'alice', at);
        setChecklistDone(doc, 'c2', true, 'alice', at);
      }),
    ).toEqual(['checklist/c1', 'checklist/c1', 'checklist/c2']);
  });

  it('names a removed line item like the one that was added', () => {
    const doc = newJobDoc('j1');
    const item = { id: 'li1', pricebookId: 'pb1', description: 'Coil cleaning', qty: 1, unitPriceCents: 12500 };
    expect(targetsOf(doc, () => addLineItem(doc, item))).toEqual(['lineItems/li1']);
    expect(targetsOf(doc, () => removeLineItem(doc, 'li1'))).toEqual(['lineItems/li1']);
  });

  it('groups a photo with its caption, the signature by its root, and location pings by their root', () => {
    const doc = newJobDoc('j1');
    const photo = { id: 'abc', kind: 'before' as const, caption: '', mime: 'image/jpeg', bytes: 3, takenAt: at, by: 'alice' };
    expect(
      targetsOf(doc, () => {
        addPhoto(doc, photo);
        setPhotoCaption(doc, 'abc', 'coil');
        setSignature(doc, { blob: 'def', signer: 'Pat', signedAt: at, by: 'alice' });
        addLocation(doc, { tech: 'alice', lat: 1, lon: 2, accuracy: 5, at });
      }),
    ).toEqual(['photos/abc', 'photos/abc', 'signature', 'locations']);
  });

  it('names every thing one transaction touched', () => {
    const doc = newJobDoc('j1');
    addChecklistItem(doc, { id: 'c1', label: 'Filter', required: true });
    addChecklistItem(doc, { id: 'c2', label: 'Coil', required: false });
    expect(
      targetsOf(doc, () =>
        doc.transact(() => {
          setChecklistDone(doc, 'c2', true, 'alice', at);
          setChecklistDone(doc, 'c1', true, 'alice', at);
        }),
      ),
    ).toEqual(['checklist/c1 checklist/c2']);
  });
});
