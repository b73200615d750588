import { describe, expect, it } from 'vitest';
import { addChecklistItem, addNote, addPhoto, newJobDoc, noteText, readJob, sendMessage, setChecklistDone, writeServerState } from '@outpost/shared';
import { summarizeMerge } from './merge-summary';

function knownJob() {
  const doc = newJobDoc('j1');
  addChecklistItem(doc, { id: 'c1', label: 'Check filter', required: true });
  addNote(doc, { id: 'n1', author: 'alice', createdAt: '2026-01-01T08:00:00Z', text: 'Arrived' });
  writeServerState(doc, { status: 'in_progress', version: 3, assignees: ['alice'], changedBy: 'alice', changedAt: '2026-01-01T08:00:00Z' });
  return doc;
}

describe('merge summary', () => {
  it('says which notes others added and edited, which items they ticked, and who changed the status', () => {
    const doc = knownJob();
    const before = readJob(doc);
    addNote(doc, { id: 'n2', author: 'dana', createdAt: '2026-01-01T09:00:00Z', text: 'Customer called' });
    noteText(doc, 'n1')!.insert(7, ' late');
    setChecklistDone(doc, 'c1', true, 'bob', '2026-01-01T09:05:00Z');
    addPhoto(doc, { id: 'p1', kind: 'damage', caption: '', mime: 'image/jpeg', bytes: 3, takenAt: '', by: 'bob' });
    writeServerState(doc, { status: 'cancelled', version: 4, assignees: ['alice'], changedBy: 'dana', changedAt: '2026-01-01T09:10:00Z' });
    expect(summarizeMerge('j1', before, readJob(doc))).toEqual({
      jobId: 'j1',
      notesAdded: [{ id: 'n2', author: 'dana', text: 'Customer called' }],
      notesEdited: [{ id: 'n1', author: 'alice' }],
      itemsTicked: [{ id: 'c1', label: 'Check filter', by: 'bob' }],
      itemsUnticked: [],
      photosAdded: [{ id: 'p1', by: 'bob', kind: 'damage' }],
      messagesAdded: [],
      signed: null,
      status: { from: 'in_progress', to: 'cancelled', by: 'dana' },
    });
  });

  it('tells the technician back from a basement which messages the office sent meanwhile', () => {
    const doc = knownJob();
    const before = readJob(doc);
    sendMessage(doc, { id: 'm1', author: 'dana', text: 'Customer home after 3', at: '2026-01-01T09:00:00Z' });
    expect(summarizeMerge('j1', before, readJob(doc))).toMatchObject({ messagesAdded: [{ id: 'm1', author: 'dana', text: 'Customer home after 3' }] });
  });

  it('reports nothing when nothing changed', () => {
    const doc = knownJob();
    expect(summarizeMerge('j1', readJob(doc), readJob(doc))).toBeNull();
  });
});
