import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../store/store';
import type { RelayContext } from './context';
import type { JobRoom } from './job-room';
import { checkRoomAccess, recheckIfChanged } from './room-access';
import { Hooks } from '../hooks/hooks';

const job = (assignees: string[]): JobRecord =>
  ({
    id: 'job-1',
    title: 'Job',
    customerId: 'c',
    siteAddress: 'a',
    windowStart: 's',
    windowEnd: 'e',
    createdAt: 'c',
    status: 'scheduled',
    version: 1,
    assignees,
    changedBy: null,
    changedAt: null,
  }) as JobRecord;
const alice = { userId: 'alice', role: 'technician' as const, name: 'Alice' };

/** A room whose access events and load-time read the test sets, and a store whose job the test changes. */
function rig(stored: JobRecord, readAtLoad: JobRecord | undefined) {
  let reads = 0;
  const room = { jobId: 'job-1', accessEvents: 0, jobReadAtLoad: readAtLoad ? { job: readAtLoad } : undefined };
  const state = { stored };
  const ctx = {
    hooks: new Hooks({}, 'secret'),
    store: {
      getJob: () => {
        reads++;
        return Promise.resolve(state.stored);
      },
    },
  } as unknown as Pick<RelayContext, 'hooks' | 'store'>;
  return { room, asRoom: room as unknown as JobRoom, ctx, state, reads: () => reads };
}

describe('room access: one read of storage at most before a device is answered', () => {
  it('checks a cold open against the job the load read, without reading storage', async () => {
    const r = rig(job([]), job(['alice']));
    await checkRoomAccess(r.ctx, alice, r.asRoom);
    expect(r.reads()).toBe(0);
  });

  it('reads storage when the room holds no load-time read (a warm room)', async () => {
    const r = rig(job([]), undefined);
    await expect(checkRoomAccess(r.ctx, alice, r.asRoom)).rejects.toMatchObject({ code: 'not_assigned' });
    expect(r.reads()).toBe(1);
  });

  it('checks again against storage when an unassignment came between the check and joining', async () => {
    const r = rig(job(['alice']), job(['alice']));
    const checked = await checkRoomAccess(r.ctx, alice, r.asRoom);
    r.state.stored = job([]);
    r.room.accessEvents++;
    await expect(recheckIfChanged(r.ctx, alice, r.asRoom, checked)).rejects.toMatchObject({ code: 'not_assigned' });
    expect(r.reads()).toBe(1);
  });

  it('does not read storage again when no access event came', async () => {
    const r = rig(job(['alice']), job(['alice']));
    const checked = await checkRoomAccess(r.ctx, alice, r.asRoom);
    await recheckIfChanged(r.ctx, alice, r.asRoom, checked);
    expect(r.reads()).toBe(0);
  });
});
