import { describe, expect, it } from 'vitest';
import type { JobStatus, ServerState, WorkflowOp } from '@outpost/shared';
import { groupConflicts, isBackwards, lastAskedStep } from './conflict-groups';
import type { OutboxItem } from './outbox';

const cancelled: ServerState = { status: 'cancelled', version: 3, assignees: ['alice'], changedBy: 'dana', changedAt: '2026-11-26T11:05:00Z' };

let seq = 0;
function item(jobId: string, to: JobStatus, state: OutboxItem['state'], server: ServerState | null = cancelled): OutboxItem {
  seq++;
  const op: WorkflowOp = { kind: 'transition', to, opId: `op${seq}`, jobId, deviceId: 'd1', deviceSeq: seq, occurredAt: '', baseVersion: 1, docState: '' };
  return {
    opId: op.opId,
    jobId,
    op,
    state,
    enqueuedAt: `2026-11-26T10:${String(seq).padStart(2, '0')}:00Z`,
    attempts: 1,
    ...(state === 'conflict' && server && { conflict: { code: 'conflict', message: 'The job is Cancelled now', server } }),
  };
}

describe('conflict grouping', () => {
  it('makes the steps of one job refused against one cancel a single decision whose "mine" is the last step asked', () => {
    const steps = (['en_route', 'on_site', 'in_progress', 'completed'] as const).map((to) => item('j1', to, 'conflict'));
    const groups = groupConflicts([...steps].reverse());
    expect(groups).toHaveLength(1);
    expect(groups[0]!.items.map((i) => i.op.to)).toEqual(['en_route', 'on_site', 'in_progress', 'completed']);
    expect(groups[0]!.mine.to).toBe('completed');
    expect(groups[0]!.server).toEqual(cancelled);
  });

  it('keeps different jobs, and the same job refused against a later state, as separate decisions', () => {
    const later: ServerState = { ...cancelled, status: 'scheduled', version: 5 };
    const groups = groupConflicts([item('j1', 'completed', 'conflict'), item('j2', 'completed', 'conflict'), item('j1', 'en_route', 'conflict', later)]);
    expect(groups.map((g) => g.key)).toEqual(['j1@3', 'j2@3', 'j1@5']);
  });
});

describe('never backwards', () => {
  it('never lets an override move a job to an earlier step than the device last asked for', () => {
    const made = [item('j1', 'en_route', 'sent'), item('j1', 'completed', 'conflict'), item('j2', 'on_site', 'queued')];
    expect(lastAskedStep(made, 'j1')).toBe('completed');
    expect(isBackwards('en_route', lastAskedStep(made, 'j1'))).toBe(true);
    expect(isBackwards('completed', lastAskedStep(made, 'j1'))).toBe(false);
    expect(isBackwards('in_progress', 'on_hold')).toBe(false);
    expect(isBackwards('scheduled', lastAskedStep(made, 'j3'))).toBe(false);
  });
});
