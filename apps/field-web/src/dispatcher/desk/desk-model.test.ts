import { describe, expect, it } from 'vitest';
import type { JobSummary } from '../../app/reference';
import { deskJobs } from './desk-jobs';
import { DeskModel } from './desk-model';
import { UNASSIGNED } from './schedule';

/** 200 jobs over 20 technicians, one in ten unassigned, as the board reads them. */
function boardRead(): JobSummary[] {
  return Array.from({ length: 200 }, (_, i) => ({
    id: `job-${i}`,
    title: `Service call ${i}`,
    customerId: 'c1',
    siteAddress: `${i} Bench St`,
    windowStart: '2031-03-05T09:00:00.000Z',
    windowEnd: '2031-03-05T10:30:00.000Z',
    status: 'scheduled',
    version: 1,
    assignees: i % 10 === 9 ? [] : [`tech-${i % 20}`],
  }));
}

/** The board's path from a read to lanes: the model over `deskJobs`, as ScheduleBoard runs it. */
function render(model: DeskModel, read: JobSummary[], unread: Record<string, number> = {}) {
  const jobs = model.jobs(deskJobs(read, [], [], {}).map((j) => ({ ...j, unread: unread[j.id] ?? 0 })));
  return { jobs, lanes: model.byLane(jobs) };
}

function changedLanes(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((lane) => a.get(lane) !== b.get(lane)).sort();
}

describe('a live update on a board of 200 jobs', () => {
  it("re-renders only the changed job's block and lane when a technician moves it along", () => {
    const model = new DeskModel();
    const before = render(model, boardRead());
    const read = boardRead();
    read[42] = { ...read[42]!, status: 'en_route', version: 2 };
    const after = render(model, read);
    expect(after.jobs.filter((job, i) => job !== before.jobs[i]).map((j) => j.id)).toEqual(['job-42']);
    expect(changedLanes(before.lanes, after.lanes)).toEqual(['tech-2']);
  });

  it('re-renders the two lanes a reassignment touches, and no other', () => {
    const model = new DeskModel();
    const before = render(model, boardRead());
    const read = boardRead();
    read[5] = { ...read[5]!, assignees: ['tech-7'], version: 2 };
    const after = render(model, read);
    expect(after.jobs.filter((job, i) => job !== before.jobs[i]).map((j) => j.id)).toEqual(['job-5']);
    expect(changedLanes(before.lanes, after.lanes)).toEqual(['tech-5', 'tech-7']);
  });

  it('keeps every block and lane when a read brings nothing new, and changes one block for a new unread message', () => {
    const model = new DeskModel();
    const before = render(model, boardRead());
    const same = render(model, boardRead());
    expect(same.jobs.every((job, i) => job === before.jobs[i])).toBe(true);
    expect(changedLanes(before.lanes, same.lanes)).toEqual([]);
    const unread = render(model, boardRead(), { 'job-9': 1 });
    expect(unread.jobs.filter((job, i) => job !== same.jobs[i]).map((j) => j.id)).toEqual(['job-9']);
    expect(changedLanes(same.lanes, unread.lanes)).toEqual([UNASSIGNED]);
  });
});
