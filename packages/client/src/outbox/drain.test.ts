import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { WorkflowOp } from '@outpost/shared';
import { Api } from '../sync/api';
import { DeviceDb } from '../storage/device-db';
import { drainOutbox } from './drain';
import { Outbox, queuedItem } from './outbox';

type Script = (op: WorkflowOp, call: number) => 'apply' | 'lose-response' | 'no-answer' | { status: number; body: unknown };

/** A stand-in op endpoint with the server's ordering and idempotency rules. */
function fakeServer(script: Script = () => 'apply') {
  const applied: WorkflowOp[] = [];
  let lastSeq = 0;
  let calls = 0;
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetchFn = (async (_url: URL, init: RequestInit) => {
    const op = JSON.parse(String(init.body)) as WorkflowOp;
    const action = script(op, ++calls);
    if (action === 'no-answer') throw new TypeError('fetch failed');
    if (typeof action === 'object') return json(action.status, action.body);
    const known = applied.find((a) => a.opId === op.opId);
    const result = (duplicate: boolean) => ({ result: { opId: op.opId, outcome: 'applied', status: op.to, version: applied.length, assignees: [], changed: true, review: false, duplicate, receivedAt: '' } });
    if (known) return json(200, result(true));
    if (op.deviceSeq !== lastSeq + 1) return json(425, { error: { code: 'out_of_order', message: 'gap', details: { expectedSeq: lastSeq + 1 } } });
    applied.push(op);
    lastSeq = op.deviceSeq;
    if (action === 'lose-response') throw new TypeError('socket hang up');
    return json(200, result(false));
  }) as unknown as typeof fetch;
  return { applied, fetchFn };
}

async function outboxWith(n: number) {
  const db = await DeviceDb.open(indexedDB, `drain-${crypto.randomUUID()}`);
  const outbox = new Outbox(db, () => undefined);
  const ops: WorkflowOp[] = [];
  for (let i = 0; i < n; i++) {
    const op: WorkflowOp = {
      kind: 'transition', to: i % 2 ? 'on_hold' : 'in_progress', opId: crypto.randomUUID(), jobId: 'j1', deviceId: 'd1',
      deviceSeq: await outbox.nextDeviceSeq(), occurredAt: new Date().toISOString(), baseVersion: 0, docState: 'AA==',
    };
    ops.push(op);
    await outbox.save(queuedItem(op));
  }
  return { outbox, ops };
}

function drain(outbox: Outbox, fetchFn: typeof fetch) {
  return drainOutbox({
    outbox, api: new Api('http://outpost.test', fetchFn), signal: new AbortController().signal,
    flushDependencies: async () => undefined, retryBackoff: { baseMs: 1, maxMs: 2 },
  });
}

describe('draining the outbox', () => {
  it('applies an op once when its response was lost, by resending the same op id', async () => {
    const { outbox, ops } = await outboxWith(3);
    const server = fakeServer((op, call) => (call === 2 ? 'lose-response' : 'apply'));
    const report = await drain(outbox, server.fetchFn);
    expect(report).toMatchObject({ sent: 3, stopped: 'done' });
    expect(server.applied.map((o) => o.opId)).toEqual(ops.map((o) => o.opId));
    expect(outbox.get().sent.map((i) => i.result?.duplicate)).toEqual([false, true, false]);
  });

  it('moves an op to Errors after three transient failures in one drain, and goes on with the next', async () => {
    const { outbox, ops } = await outboxWith(2);
    const busy = { status: 503, body: { error: { code: 'unavailable', message: 'busy' } } };
    const server = fakeServer((op) => (op.opId === ops[0]!.opId ? busy : 'apply'));
    const report = await drain(outbox, server.fetchFn);
    expect(report).toMatchObject({ sent: 1, errors: 1 });
    expect(outbox.get().errors[0]).toMatchObject({ opId: ops[0]!.opId, attempts: 3, error: { code: 'unavailable' } });
    // The errored op never reached the server, so the next one was renumbered into its seq.
    expect(server.applied.map((o) => o.deviceSeq)).toEqual([1]);
  });

  it('keeps ops queued and stops when the server cannot be reached at all', async () => {
    const { outbox } = await outboxWith(2);
    const report = await drain(outbox, fakeServer(() => 'no-answer').fetchFn);
    expect(report.stopped).toBe('unreachable');
    expect(outbox.get().queued).toHaveLength(2);
    expect(outbox.get().errors).toHaveLength(0);
  });

  it('puts a refused op in Conflicts with the server state', async () => {
    const { outbox } = await outboxWith(1);
    const server = { status: 'cancelled', version: 4, assignees: ['alice'], changedBy: 'dana', changedAt: '2026-01-01T10:00:00Z' };
    const body = { error: { code: 'conflict', message: 'The job is Cancelled now', details: { server, opId: 'x' } } };
    await drain(outbox, fakeServer(() => ({ status: 409, body })).fetchFn);
    expect(outbox.get().conflicts[0]?.conflict).toEqual({ code: 'conflict', message: 'The job is Cancelled now', server });
  });

  it('renumbers ops after a discarded one so the device sequence has no gap', async () => {
    const { outbox, ops } = await outboxWith(3);
    await outbox.remove(ops[0]!.opId);
    const server = fakeServer();
    await drain(outbox, server.fetchFn);
    expect(server.applied.map((o) => [o.opId, o.deviceSeq])).toEqual([[ops[1]!.opId, 1], [ops[2]!.opId, 2]]);
  });

  it('sends nothing but a 4xx refusal to Errors without retrying it', async () => {
    const { outbox } = await outboxWith(1);
    let calls = 0;
    const body = { error: { code: 'not_assigned', message: 'This job is not assigned to you.' } };
    await drain(outbox, fakeServer(() => (calls++, { status: 403, body })).fetchFn);
    expect(calls).toBe(1);
    expect(outbox.get().errors[0]?.error?.code).toBe('not_assigned');
  });
});
