import { describe, expect, it } from 'vitest';
import type { JobSummary } from '../../app/reference';
import { deskJobs } from './desk-jobs';

const read: JobSummary = {
  id: 'job-1',
  title: 'Walk-in cooler alarm',
  customerId: 'c1',
  siteAddress: '12 Wharf St',
  windowStart: '2031-03-05T09:00:00.000Z',
  windowEnd: '2031-03-05T11:00:00.000Z',
  status: 'scheduled',
  version: 3,
  assignees: ['alice'],
};

describe('the jobs on the schedule board', () => {
  it("keeps an answered reassignment while the board's read is older (no jump back to the old lane)", () => {
    const sent = [{ jobId: 'job-1', result: { status: 'scheduled', version: 4, assignees: [] } }];
    expect(deskJobs([read], [], sent, {})[0]).toMatchObject({ assignees: [], waiting: false });
  });

  it('shows queued steps and a moved window as waiting', () => {
    const moved = { 'job-1': { windowStart: '2031-03-05T10:00:00.000Z', windowEnd: '2031-03-05T12:00:00.000Z' } };
    const job = deskJobs([read], [{ jobId: 'job-1', op: { kind: 'assign', assignees: ['bob'] } }], [], moved)[0]!;
    expect(job).toMatchObject({ assignees: ['bob'], windowStart: '2031-03-05T10:00:00.000Z', waiting: true });
  });
});
