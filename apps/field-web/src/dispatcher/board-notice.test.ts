import { describe, expect, it } from 'vitest';
import type { JobSummary } from '../app/reference';
import { applyNotice, keepNewer } from './board-notice';

const jobs: JobSummary[] = [
  {
    id: 'job-1',
    title: 'Walk-in cooler alarm',
    customerId: 'c1',
    siteAddress: '12 Wharf St',
    windowStart: '2031-03-05T09:00:00.000Z',
    windowEnd: '2031-03-05T11:00:00.000Z',
    status: 'scheduled',
    version: 3,
    assignees: ['alice'],
  },
  {
    id: 'job-2',
    title: 'Ice machine',
    customerId: 'c1',
    siteAddress: '3 Dock Rd',
    windowStart: '2031-03-05T12:00:00.000Z',
    windowEnd: '2031-03-05T13:00:00.000Z',
    status: 'scheduled',
    version: 1,
    assignees: [],
  },
];

describe('a job notice on the board', () => {
  it('moves the job along at once when the push is newer than the board read', () => {
    const next = applyNotice(jobs, { jobId: 'job-1', change: 'changed', status: 'en_route', version: 4, assignees: ['alice'] });
    expect(next[0]).toMatchObject({ status: 'en_route', version: 4, title: 'Walk-in cooler alarm' });
    expect(next[1]).toBe(jobs[1]);
  });

  it('ignores a push the board read already holds, an older one, and one for a job it does not list', () => {
    expect(applyNotice(jobs, { jobId: 'job-1', change: 'changed', status: 'scheduled', version: 3, assignees: ['alice'] })).toBe(jobs);
    expect(applyNotice(jobs, { jobId: 'job-1', change: 'changed', status: 'scheduled', version: 2, assignees: [] })).toBe(jobs);
    expect(applyNotice(jobs, { jobId: 'job-9', change: 'created', status: 'scheduled', version: 1, assignees: [] })).toBe(jobs);
  });
});

describe('a board read that a push overtook', () => {
  it('keeps the pushed state of a job the read holds at an older version, and takes the read for the rest', () => {
    const pushed = applyNotice(jobs, { jobId: 'job-1', change: 'changed', status: 'on_site', version: 5, assignees: ['alice'] });
    const read = [
      { ...jobs[0]!, status: 'en_route' as const, version: 4 },
      { ...jobs[1]!, title: 'Ice machine short cycling', version: 1 },
    ];
    const kept = keepNewer(pushed, read);
    expect(kept[0]).toMatchObject({ status: 'on_site', version: 5 });
    expect(kept[1]).toMatchObject({ title: 'Ice machine short cycling' });
    expect(keepNewer(undefined, read)).toBe(read);
  });
});
