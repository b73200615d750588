import { describe, expect, it } from 'vitest';
import { describeMerge, type MergeSummaryLike } from './merge-words';

const empty: MergeSummaryLike = {
  jobId: 'j1',
  notesAdded: [],
  notesEdited: [],
  itemsTicked: [],
  itemsUnticked: [],
  photosAdded: [],
  signed: null,
  status: null,
};

describe('merge summary after a reconnect', () => {
  it('says who changed what, one clause per person', () => {
    const text = describeMerge(
      { ...empty, notesEdited: [{ id: 'n1', author: 'alice' }], itemsTicked: [{ by: 'bob' }, { by: 'bob' }] },
      { editorsOf: (id) => (id === 'n1' ? ['dana'] : []), selfId: 'alice' },
    );
    expect(text).toBe('Dana edited the note; Bob ticked 2 items');
  });

  it('uses known names and mentions photos, status, signatures and unticks', () => {
    const names: Record<string, string> = { dana: 'Dana Dispatch' };
    const text = describeMerge(
      {
        ...empty,
        photosAdded: [{ by: 'dana' }],
        status: { from: 'on_site', to: 'cancelled', by: 'dana' },
        itemsUnticked: [{}],
        signed: { signer: 'Pat Lee' },
      },
      { nameOf: (id) => names[id] ?? id },
    );
    expect(text).toBe('Dana Dispatch added a photo, moved the job to Cancelled; 1 item was unticked; Pat Lee signed');
  });

  it('does not guess who edited a note nobody was seen typing in', () => {
    const edited = { ...empty, notesEdited: [{ id: 'n1', author: 'alice' }] };
    expect(describeMerge(edited, { selfId: 'alice' })).toBe('Your note was edited');
    expect(describeMerge(edited, { selfId: 'bob' })).toBe("Alice's note was edited");
  });

  it('says nothing when nobody else changed anything', () => {
    expect(describeMerge(empty)).toBeNull();
  });

  it('says who sent messages while this device was away', () => {
    expect(describeMerge({ ...empty, messagesAdded: [{ author: 'dana' }, { author: 'dana' }] })).toBe('Dana sent 2 messages');
  });
});
