import type { OutboxItem, OutboxLists } from '@outpost/client';
import { requestJobId, type JobSummary, type WorkflowOp } from '@outpost/shared';
import { describe, expect, it } from 'vitest';
import { raisedRequests, type MadeRequest } from './raised-requests';

const FROM = 'job-1001';

function op(opId: string, fields: Partial<WorkflowOp>): WorkflowOp {
  return { kind: 'request', opId, jobId: FROM, deviceId: 'dev-1', deviceSeq: 1, occurredAt: '2026-11-27T10:00:00.000Z', docState: '', ...fields };
}

function requestItem(opId: string, title: string, state: OutboxItem['state']): OutboxItem {
  return {
    opId,
    jobId: FROM,
    op: op(opId, { request: { title, description: '', photoIds: [], equipmentIds: [] } }),
    state,
    enqueuedAt: '2026-11-27T10:00:00.000Z',
    attempts: 1,
  };
}

function made(opId: string, title: string, status: JobSummary['status']): MadeRequest {
  const job: JobSummary = {
    id: requestJobId(opId),
    title,
    customerId: 'cust-1',
    siteAddress: '1 Main St',
    windowStart: '2026-11-28T08:00:00.000Z',
    windowEnd: '2026-11-28T10:00:00.000Z',
    status,
    version: 1,
    assignees: [],
  };
  return { opId, job };
}

const lists = (parts: Partial<OutboxLists>): OutboxLists => ({ queued: [], errors: [], conflicts: [], sent: [], ...parts });

describe('requests raised from a job', () => {
  it('shows a request the server made into a job once, with its state, while its op is still in the outbox', () => {
    // The server's list was read after it made the job but before the op's answer reached the outbox.
    for (const list of ['queued', 'errors', 'sent'] as const) {
      const rows = raisedRequests(FROM, [made('op-a', 'Quote', 'requested')], lists({ [list]: [requestItem('op-a', 'Quote', list === 'sent' ? 'sent' : 'queued')] }));
      expect(rows, list).toEqual([{ opId: 'op-a', jobId: requestJobId('op-a'), title: 'Quote', state: 'requested' }]);
    }
  });

  it('lists those only on this device as pending, refused or requested, after the server’s', () => {
    const refused = { ...requestItem('op-r', 'Refused one', 'conflict'), conflict: { code: 'forbidden', message: 'Not yours', server: {} as never } };
    const rows = raisedRequests(
      FROM,
      [made('op-a', 'Made', 'scheduled')],
      lists({ queued: [requestItem('op-q', 'Queued', 'queued')], conflicts: [refused], sent: [requestItem('op-s', 'Sent', 'sent')] }),
    );
    expect(rows.map((r) => [r.opId, r.state, r.reason])).toEqual([
      ['op-a', 'scheduled', undefined],
      ['op-s', 'requested', undefined],
      ['op-q', 'pending', undefined],
      ['op-r', 'refused', 'Not yours'],
    ]);
  });

  it('leaves out requests raised from other jobs and other kinds of op', () => {
    const other = { ...requestItem('op-o', 'Other job', 'queued'), jobId: 'job-1002' };
    const step = { ...requestItem('op-t', 'Step', 'queued'), op: op('op-t', { kind: 'transition', to: 'en_route' }) };
    expect(raisedRequests(FROM, [], lists({ queued: [other, step] }))).toEqual([]);
  });
});
