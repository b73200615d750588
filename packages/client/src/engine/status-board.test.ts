import { describe, expect, it } from 'vitest';
import type { ChangeFeed, ChangeLists } from '../outbox/change-feed';
import type { ContentChange } from '../outbox/change-list';
import type { Outbox, OutboxLists } from '../outbox/outbox';
import { StatusBoard } from './status-board';

const note = (jobId: string, state: 'pending' | 'failed'): ContentChange => ({
  key: `${jobId}/notes/n1`,
  jobId,
  kind: 'note',
  words: 'Note written',
  state,
  at: new Date().toISOString(),
});

/** A change feed that is re-reading the device (settling) and lists `lists` meanwhile. */
function settlingFeed(lists: Omit<ChangeLists, 'sent'>): ChangeFeed {
  return { get: () => ({ ...lists, sent: [] }), settling: true, rescan: () => undefined } as unknown as ChangeFeed;
}

const emptyOutbox = { get: (): OutboxLists => ({ queued: [], errors: [], conflicts: [], sent: [] }) } as unknown as Outbox;

describe('StatusBoard', () => {
  it("does not count a refused job's edits as pending while the change list settles: they are failed, once", () => {
    const board = new StatusBoard({ drained: () => undefined, reachable: () => undefined });
    // The job docs hold one pending update, in job-1002, which the relay refuses.
    const pendingIn = (jobId?: string) => (jobId === undefined || jobId === 'job-1002' ? 1 : 0);
    board.attach({ changes: settlingFeed({ pending: [], failed: [note('job-1002', 'failed')] }), pendingNow: pendingIn, outbox: emptyOutbox, signedIn: () => true });
    board.socket('job-1002', false, { code: 4403, reason: 'not assigned' }, true);
    expect(board.get()).toMatchObject({ pending: 0, failed: 1, state: 'sync_failed' });
  });

  it('still never reads 0 while an edit elsewhere is on its way into the change list', () => {
    const board = new StatusBoard({ drained: () => undefined, reachable: () => undefined });
    const pendingIn = (jobId?: string) => (jobId === undefined ? 2 : 1);
    board.attach({ changes: settlingFeed({ pending: [], failed: [note('job-1002', 'failed')] }), pendingNow: pendingIn, outbox: emptyOutbox, signedIn: () => true });
    board.socket('job-1002', false, { code: 4403, reason: 'not assigned' }, true);
    expect(board.get()).toMatchObject({ pending: 1, failed: 1 });
  });
});
