import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { WorkflowOp } from '@outpost/shared';
import { ServerHttp } from '../sync/server-http';
import { DeviceDb } from '../storage/device-db';
import { drainOutbox } from './drain';
import { Outbox, queuedItem } from './outbox';

type Script = (op: WorkflowOp, call: number) => 'apply' | 'lose-response' | 'no-answer' | { status: number; body: unknown };

/** A stand-in op endpoint with the server's ordering and idempotency rules. */
function fakeServer(script: Script = () => 'apply') {
  const applied: WorkflowOp[] = [];
  const calls: string[] = [];
  let lastSeq = 0;
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetchFn = (async (_url: URL, init: RequestInit) => {
    const op = JSON.parse(String(init.body)) as WorkflowOp;
    calls.push(op.opId);
    const action = script(op, calls.length);
    if (action === 'no-answer') throw new TypeError('fetch failed');
    if (typeof action === 'object') return json(action.status, action.body);
    const known = applied.find((a) => a.opId === op.opId);
    const result = (duplicate: boolean) => ({
      result: { opId: op.opId, outcome: 'applied', status: op.to, version: applied.length, assignees: [], changed: true, review: false, duplicate, receivedAt: '' },
    });
    if (known) return json(200, result(true));
    if (op.deviceSeq !== lastSeq + 1) return json(425, { error: { code: 'out_of_order', message: 'gap', details: { expectedSeq: lastSeq + 1 } } });
    applied.push(op);
    lastSeq = op.deviceSeq;
    if (action === 'lose-response') throw new TypeError('socket hang up');
    return json(200, result(false));
  }) as unknown as typeof fetch;
  return { applied, calls, fetchFn };
}

async function outboxWith(n: number) {
  const db = await DeviceDb.open(indexedDB, `drain-${crypto.randomUUID()}`);
  const outbox = new Outbox(db, () => undefined);
  const ops: WorkflowOp[] = [];
  for (let i = 0; i < n; i++) {
    const op: WorkflowOp = {
      kind: 'transition',
      to: i % 2 ? 'on_hold' : 'in_progress',
      opId: crypto.randomUUID(),
      jobId: 'j1',
      deviceId: 'd1',
      deviceSeq: await outbox.nextDeviceSeq(),
      occurredAt: new Date().toISOString(),
      baseVersion: 0,
      docState: 'AA==',
    };
    ops.push(op);
    await outbox.save(queuedItem(op));
  }
  return { outbox, ops };
}

/** A clock the test moves by hand. */
function fakeClock(start = Date.parse('2026-11-26T11:40:00Z')) {
  let t = start;
  return { now: () => t, advance: (ms: number) => (t += ms), at: (iso: string | undefined) => Date.parse(iso ?? '') - start };
}

function drain(outbox: Outbox, fetchFn: typeof fetch, clock = fakeClock()) {
  return drainOutbox({
    outbox,
    api: new ServerHttp('http://outpost.test', fetchFn),
    signal: new AbortController().signal,
    flushDependencies: async () => undefined,
    now: clock.now,
    random: () => 0.5,
  });
}

const busy = { status: 503, body: { error: { code: 'unavailable', message: 'busy' } } };

describe('draining the outbox', () => {
  it('applies an op once when its response was lost, by resending the same op id', async () => {
    const { outbox, ops } = await outboxWith(3);
    const server = fakeServer((op, call) => (call === 2 ? 'lose-response' : 'apply'));
    expect(await drain(outbox, server.fetchFn)).toMatchObject({ sent: 1, stopped: 'unreachable' });
    expect(await drain(outbox, server.fetchFn)).toMatchObject({ sent: 2, stopped: 'done' });
    expect(server.applied.map((o) => o.opId)).toEqual(ops.map((o) => o.opId));
    expect(outbox.get().sent.map((i) => i.result?.duplicate)).toEqual([false, true, false]);
  });

  it('retries a 503 after about 1 s and 5 s, never sooner, then flags it in Errors and lets the next op go', async () => {
    const clock = fakeClock();
    const { outbox, ops } = await outboxWith(2);
    let down = true;
    const server = fakeServer((op) => (down && op.opId === ops[0]!.opId ? busy : 'apply'));

    const first = await drain(outbox, server.fetchFn, clock);
    const waiting = outbox.get().queued[0]!;
    expect(waiting.error).toMatchObject({ kind: 'transient', code: 'unavailable' });
    expect(clock.at(waiting.error?.retryAt)).toBe(1_000);
    expect(first.retryAt).toBe(clock.now() + 1_000);
    // The op behind it waits in line: order per device is kept.
    expect(server.calls).toEqual([ops[0]!.opId]);

    clock.advance(900);
    await drain(outbox, server.fetchFn, clock);
    expect(server.calls).toHaveLength(1);

    clock.advance(100);
    await drain(outbox, server.fetchFn, clock);
    expect(server.calls).toHaveLength(2);
    expect(clock.at(outbox.get().queued[0]!.error?.retryAt)).toBe(1_000 + 5_000);

    clock.advance(5_000);
    const third = await drain(outbox, server.fetchFn, clock);
    expect(third).toMatchObject({ errors: 1, sent: 1 });
    expect(outbox.get().errors[0]).toMatchObject({ opId: ops[0]!.opId, attempts: 3, error: { kind: 'transient' } });
    expect(clock.at(outbox.get().errors[0]!.error?.retryAt)).toBe(6_000 + 30_000);
    expect(third.retryAt).toBe(clock.now() + 30_000);

    // Flagged, it is still retried in the background, and leaves Errors once it is through.
    clock.advance(30_000);
    await drain(outbox, server.fetchFn, clock);
    expect(outbox.get().errors[0]!.attempts).toBe(4);
    expect(clock.at(outbox.get().errors[0]!.error?.retryAt)).toBe(36_000 + 60_000);
    down = false;
    clock.advance(59_000);
    await drain(outbox, server.fetchFn, clock);
    expect(outbox.get().errors).toHaveLength(1);
    clock.advance(1_000);
    await drain(outbox, server.fetchFn, clock);
    expect(outbox.get().errors).toHaveLength(0);
    expect(outbox.get().sent.map((i) => i.opId)).toEqual([ops[1]!.opId, ops[0]!.opId]);
  });

  it('treats 425 not_causal and 429 as transient and 403 as a refusal after one try, never retried by itself', async () => {
    for (const [status, code, kind] of [
      [425, 'not_causal', 'transient'],
      [429, 'rate_limited', 'transient'],
      [403, 'not_assigned', 'permanent'],
    ] as const) {
      const clock = fakeClock();
      const { outbox } = await outboxWith(1);
      const server = fakeServer(() => ({ status, body: { error: { code, message: 'no' } } }));
      await drain(outbox, server.fetchFn, clock);
      const item = [...outbox.get().queued, ...outbox.get().errors][0]!;
      expect(item.error?.kind, `${status}`).toBe(kind);
      expect(item.state, `${status}`).toBe(kind === 'permanent' ? 'error' : 'queued');
      clock.advance(600_000);
      await drain(outbox, server.fetchFn, clock);
      expect(server.calls.length, `${status}`).toBe(kind === 'permanent' ? 1 : 2);
    }
  });

  it('keeps ops queued and unflagged when the server cannot be reached at all', async () => {
    const { outbox } = await outboxWith(2);
    const report = await drain(outbox, fakeServer(() => 'no-answer').fetchFn);
    expect(report.stopped).toBe('unreachable');
    expect(outbox.get().queued).toHaveLength(2);
    expect(outbox.get().queued[0]!.error).toBeUndefined();
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
    expect(server.applied.map((o) => [o.opId, o.deviceSeq])).toEqual([
      [ops[1]!.opId, 1],
      [ops[2]!.opId, 2],
    ]);
  });
});

describe('content before ops', () => {
  for (const batched of [false, true]) {
    it(`holds an op whose job content did not reach the server, with the ops behind it, uncounted, until it has${batched ? ' (batched drain)' : ''}`, async () => {
      const { outbox, ops } = await outboxWith(3);
      const server = fakeServer();
      let contentThrough = false;
      const run = () =>
        drainOutbox({
          outbox,
          api: new ServerHttp('http://outpost.test', server.fetchFn),
          signal: new AbortController().signal,
          batched,
          random: () => 0.5,
          flushDependencies: async (item) => (item.opId === ops[1]!.opId && !contentThrough ? 'held' : undefined),
        });
      expect(await run()).toMatchObject({ sent: 1, held: 1, errors: 0, stopped: 'done' });
      expect(server.calls).toEqual([ops[0]!.opId]);
      expect(outbox.get().queued.map((i) => [i.opId, i.attempts, i.error])).toEqual([
        [ops[1]!.opId, 0, undefined],
        [ops[2]!.opId, 0, undefined],
      ]);

      contentThrough = true;
      expect(await run()).toMatchObject({ held: 0, stopped: 'done' });
      expect(server.applied.map((o) => o.opId)).toEqual(ops.map((o) => o.opId));
    });
  }
});

describe('a server that says how long to wait', () => {
  it('waits at least the Retry-After of a 429 rate_limited before the next try, and keeps the op', async () => {
    const clock = fakeClock();
    const { outbox, ops } = await outboxWith(1);
    let limited = true;
    const server = fakeServer(() => (limited ? { status: 429, body: { error: { code: 'rate_limited', message: 'slow down', details: { retryAfterSeconds: 7 } } } } : 'apply'));
    expect(await drain(outbox, server.fetchFn, clock)).toMatchObject({ sent: 0, retryAt: clock.now() + 7_000 });
    expect(outbox.get().queued[0]).toMatchObject({ opId: ops[0]!.opId, error: { kind: 'transient', code: 'rate_limited' } });
    limited = false;
    clock.advance(6_999);
    await drain(outbox, server.fetchFn, clock);
    expect(server.calls).toHaveLength(1);
    clock.advance(1);
    expect(await drain(outbox, server.fetchFn, clock)).toMatchObject({ sent: 1 });
  });
});
