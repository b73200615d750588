import { describe, expect, it } from 'vitest';
import { syncStatusOf, type StatusInputs } from './sync-status';

const calm: StatusInputs = { pendingUpdates: 0, queuedOps: 0, queuedBlobs: 0, failedOps: 0, failedBlobs: 0, stuckUpdates: 0, connected: true, signedIn: true };

describe('sync status line', () => {
  it('says online only when connected and nothing at all is pending', () => {
    expect(syncStatusOf(calm)).toMatchObject({ state: 'online', label: 'online', pending: 0 });
    expect(syncStatusOf({ ...calm, pendingUpdates: 1 })).toMatchObject({ state: 'offline', label: 'offline (1 pending)' });
    expect(syncStatusOf({ ...calm, queuedOps: 2, queuedBlobs: 1 }).label).toBe('offline (3 pending)');
    expect(syncStatusOf({ ...calm, connected: false }).state).toBe('offline');
  });

  it('says sync failed with the number of items that need a person', () => {
    expect(syncStatusOf({ ...calm, failedOps: 1, failedBlobs: 1, pendingUpdates: 4 })).toMatchObject({ state: 'sync_failed', label: 'sync failed (2 items)', pending: 4 });
    expect(syncStatusOf({ ...calm, stuckUpdates: 3 })).toMatchObject({ state: 'sync_failed', failed: 3, pending: 0 });
  });
});
