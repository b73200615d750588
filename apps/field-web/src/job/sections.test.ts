import { addChecklistItem, newJobDoc, setSignature, TRANSITIONS } from '@outpost/shared';
import { describe, expect, it } from 'vitest';
import { distinctPeers } from './NotesSection';
import { completeBlocker, intentFor } from './StatusActions';

describe('status buttons', () => {
  it('queue the op kind the server expects for each button', () => {
    const find = (from: string, to: string) => TRANSITIONS.find((t) => t.from === from && t.to === to)!;
    expect(intentFor(find('on_site', 'in_progress'))).toEqual({ kind: 'transition', to: 'in_progress' });
    expect(intentFor(find('on_site', 'cancelled'))).toEqual({ kind: 'cancel' });
    expect(intentFor(find('cancelled', 'scheduled'))).toEqual({ kind: 'reopen' });
    expect(intentFor(find('completed', 'in_progress'))).toEqual({ kind: 'reopen' });
  });

  it('hold back Complete until required items are ticked and the customer signed, saying why', () => {
    const doc = newJobDoc('j1');
    addChecklistItem(doc, { id: 'c1', label: 'Record pressures', required: true });
    addChecklistItem(doc, { id: 'c2', label: 'Sweep up', required: false });
    expect(completeBlocker(doc)).toBe('Required items not done: Record pressures.');
    doc.getArray<import('yjs').Map<unknown>>('checklist').get(0).set('done', true);
    expect(completeBlocker(doc)).toBe('The customer has not signed yet.');
    setSignature(doc, { blob: 'a'.repeat(64), signer: 'Pat', signedAt: new Date().toISOString(), by: 'alice' });
    expect(completeBlocker(doc)).toBeNull();
  });
});

describe('who else is in the job', () => {
  it('lists each other person once, preferring the tab where they are typing, and never me', () => {
    const peers = distinctPeers(
      [
        { clientId: 1, user: { id: 'dana', name: 'Dana' }, editingNoteId: null },
        { clientId: 2, user: { id: 'dana', name: 'Dana' }, editingNoteId: 'n1' },
        { clientId: 3, user: { id: 'alice', name: 'Alice' }, editingNoteId: null },
        { clientId: 4, user: { id: 'bob', name: 'Bob' }, editingNoteId: null },
      ],
      'alice',
    );
    expect(peers.map((p) => [p.user.id, p.editingNoteId])).toEqual([
      ['bob', null],
      ['dana', 'n1'],
    ]);
  });
});
