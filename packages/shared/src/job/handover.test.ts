import { describe, expect, it } from 'vitest';
import { addNote, addPhoto, setChecklistDone } from './content';
import { newJobDoc, readJob } from './doc';
import { handoverBlobs, handoverWords, summarizeHandover } from './handover';
import { sendMessage } from './messages';
import * as Y from 'yjs';

describe('what a handover adds to a job', () => {
  it('counts a new note and a new photo, and names the photo blob', () => {
    const office = newJobDoc('j1');
    addNote(office, { id: 'n0', author: 'dana', createdAt: '2030-01-01T00:00:00Z', text: 'Gate code 1234' });
    const device = newJobDoc('j1');
    Y.applyUpdate(device, Y.encodeStateAsUpdate(office));
    addNote(device, { id: 'n1', author: 'alice', createdAt: '2030-01-01T01:00:00Z', text: 'Capacitor swapped' });
    addPhoto(device, { id: 'a'.repeat(64), kind: 'after', caption: 'unit', mime: 'image/png', bytes: 10, takenAt: '2030-01-01T01:00:00Z', by: 'alice' });
    const summary = summarizeHandover(readJob(office), readJob(device));
    expect(summary).toMatchObject({ notes: 1, photos: 1, checklist: 0, signature: 0 });
    expect(handoverWords(summary)).toBe('1 note, 1 photo');
    expect(handoverBlobs(readJob(office), readJob(device))).toEqual(['a'.repeat(64)]);
  });

  it('counts an edited note and a tick as changes, and nothing for an unchanged job', () => {
    const doc = newJobDoc('j1');
    addNote(doc, { id: 'n0', author: 'alice', createdAt: '2030-01-01T00:00:00Z', text: 'a' });
    doc.getArray('checklist').push([new Y.Map(Object.entries({ id: 'c1', label: 'x', required: true, done: false, doneBy: null, doneAt: null }))]);
    const before = readJob(doc);
    expect(handoverWords(summarizeHandover(before, before))).toBe('');
    setChecklistDone(doc, 'c1', true, 'alice', '2030-01-01T02:00:00Z');
    expect(handoverWords(summarizeHandover(before, readJob(doc)))).toBe('1 checklist tick');
  });

  it('counts messages written before a removal, so the office hears of them', () => {
    const office = newJobDoc('j1');
    const device = newJobDoc('j1');
    Y.applyUpdate(device, Y.encodeStateAsUpdate(office));
    sendMessage(device, { id: 'm1', author: 'alice', text: 'Part on order', at: '2030-01-01T01:00:00Z' });
    expect(handoverWords(summarizeHandover(readJob(office), readJob(device)))).toBe('1 message');
    expect(handoverWords({ notes: 1, checklist: 0, photos: 0, signature: 0, time: 0, refrigerant: 0, lineItems: 0, locations: 0 })).toBe('1 note');
  });
});
