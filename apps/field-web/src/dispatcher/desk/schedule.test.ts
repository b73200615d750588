import { describe, expect, it } from 'vitest';
import { axisFor, dragMinutes, placeLane, reassign, shiftWindow, UNASSIGNED, unnamedAssignees } from './schedule';

const now = new Date(2031, 2, 4, 9, 30);
const at = (day: number, h: number, m = 0) => new Date(2031, 2, 4 + day, h, m).toISOString();
const job = (id: string, start: string, end: string) => ({ id, windowStart: start, windowEnd: end, assignees: [] });

describe('placing jobs on the schedule board', () => {
  it('places a morning job at the left of today and a tomorrow job on the right half', () => {
    const axis = axisFor(now);
    const placed = placeLane(axis, [job('a', at(0, 6), at(0, 8)), job('b', at(1, 6), at(1, 8))]);
    expect(placed.get('a')).toMatchObject({ left: 0, row: 0 });
    expect(placed.get('a')!.width).toBeCloseTo((120 / axis.minutes) * 100);
    expect(placed.get('b')!.left).toBeCloseTo(50);
  });

  it('stacks overlapping jobs on separate rows and leaves out jobs on other days', () => {
    const placed = placeLane(axisFor(now), [job('a', at(0, 9), at(0, 11)), job('b', at(0, 10), at(0, 12)), job('c', at(0, 11), at(0, 12)), job('d', at(3, 9), at(3, 10))]);
    expect([placed.get('a')!.row, placed.get('b')!.row, placed.get('c')!.row]).toEqual([0, 1, 0]);
    expect(placed.has('d')).toBe(false);
  });
});

describe('moving jobs', () => {
  it('shifts a window by snapped minutes and keeps its length', () => {
    expect(shiftWindow({ windowStart: at(0, 9), windowEnd: at(0, 11) }, 67)).toEqual({ windowStart: at(0, 10), windowEnd: at(0, 12) });
  });

  it("replaces the lane's technician, and clears the job when dropped on unassigned", () => {
    expect(reassign(['alice'], 'alice', 'bob')).toEqual(['bob']);
    expect(reassign([], UNASSIGNED, 'alice')).toEqual(['alice']);
    expect(reassign(['alice', 'carl'], 'alice', 'carl')).toEqual(['carl']);
    expect(reassign(['alice'], 'alice', UNASSIGNED)).toEqual([]);
  });

  it('skips the night when a job is dragged from this evening into tomorrow morning', () => {
    const axis = axisFor(now);
    // 19:00 today plus two axis hours lands at 07:00 tomorrow (the axis ends today at 20:00).
    expect(dragMinutes(axis, at(0, 19), 120)).toBe(12 * 60);
    expect(dragMinutes(axis, at(0, 9), 90)).toBe(90);
    expect(dragMinutes(axis, at(1, 7), -120)).toBe(-12 * 60);
  });

  it('gives a lane to each assignee the technician list does not name, once', () => {
    const jobs = [{ assignees: ['zoe', 'alice'] }, { assignees: [] }, { assignees: ['zoe', 'bob'] }];
    expect(unnamedAssignees(jobs, [{ id: 'alice' }])).toEqual(['bob', 'zoe']);
    expect(unnamedAssignees(jobs, [{ id: 'alice' }, { id: 'bob' }, { id: 'zoe' }])).toEqual([]);
  });
});
