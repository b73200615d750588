/**
 * Sending the whole queue in one request (`POST /api/ops`): N queued ops across jobs cost
 * one round trip instead of N. The batch settles what the server settled — applied (Sent),
 * rejected with the job's state (Conflicts, `behind_conflict` included: held behind an
 * earlier conflict on the job) — and leaves every other op queued for the one-at-a-time
 * drain, whose rules (renumbering, retry, Errors) are the same for an op that came back
 * from a batch: the server's answer per op is what the single-op route would have sent.
 * A server without the batch route (404) is simply drained one op at a time.
 */
import type { OpBatchAnswer, ServerState } from '@outpost/shared';
import { Unreachable } from '../sync/server-http';
import { isDue } from '../sync/retry-schedule';
import type { DrainDeps, DrainReport } from './drain';
import type { OutboxItem } from './outbox';

/** How the batch ended for the drain: go on one at a time, or stop. */
export type BatchEnd = 'continue' | 'unreachable' | 'signed_out';

/** Sends every queued op in one request and settles what the server settled. */
export async function sendBatch(deps: DrainDeps, report: DrainReport): Promise<BatchEnd> {
  const now = deps.now ?? Date.now;
  // The queue in order, up to the first op still waiting for its retry (it holds back the ones behind it).
  const queued = (await deps.outbox.reload()).queued;
  const waiting = queued.findIndex((i) => !isDue(i.error, now()));
  const due = waiting === -1 ? queued : queued.slice(0, waiting);
  // One op gains nothing from a batch; the single-op route also serves older servers.
  if (due.length < 2 || deps.signal.aborted) return 'continue';
  // An op held behind its job's content holds back the ones behind it (drain.ts).
  const flushed = await Promise.all(due.map((item) => deps.flushDependencies(item)));
  const held = flushed.indexOf('held');
  const items = held === -1 ? due : due.slice(0, held);
  if (items.length < 2) return 'continue';
  let answer;
  try {
    answer = await deps.api.request<{ answers?: OpBatchAnswer[] }>('POST', '/api/ops', { ops: items.map((i) => i.op) });
  } catch (err) {
    if (err instanceof Unreachable) return 'unreachable';
    throw err;
  }
  if (answer.status === 401) return 'signed_out';
  // 404 (an older server), 413, 5xx: the one-at-a-time drain sends and judges each op.
  if (answer.status !== 200 || !Array.isArray(answer.body?.answers)) return 'continue';
  const byId = new Map(items.map((i) => [i.opId, i]));
  for (const a of answer.body.answers) {
    const item = byId.get(a.opId);
    if (item && !('notTried' in a)) await settle(deps, report, item, a);
  }
  return 'continue';
}

async function settle(deps: DrainDeps, report: DrainReport, item: OutboxItem, a: Extract<OpBatchAnswer, { status: number }>): Promise<void> {
  if (a.status === 200 && 'result' in a.body) {
    report.sent++;
    deps.onSent?.(item);
    await deps.outbox.save({
      ...item,
      attempts: item.attempts + 1,
      state: 'sent',
      sentAt: new Date((deps.now ?? Date.now)()).toISOString(),
      result: a.body.result,
      error: undefined,
    });
    return;
  }
  const error = 'error' in a.body ? a.body.error : undefined;
  const server = (error?.details as { server?: ServerState } | undefined)?.server;
  if (a.status === 409 && error && server) {
    report.conflicts++;
    await deps.outbox.save({ ...item, attempts: item.attempts + 1, state: 'conflict', conflict: { code: error.code, message: error.message, server }, error: undefined });
  }
}
