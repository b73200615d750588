/**
 * Draining the outbox: ops go to the server one at a time, in `deviceSeq` order (so in
 * order per job and per device), whenever the server is reachable.
 *
 * - 200: Sent, with the server's result and the time.
 * - 409 with the server's state: Conflicts, with that state, who changed it and when
 *   (a 409 without it, e.g. an op id reused for another op, goes to Errors).
 * - 425 out_of_order / 409 op_mismatch with `expectedSeq`: the server names the seq it
 *   expects (an earlier op was discarded or never stored, or a retried op's seq was taken);
 *   the op, which the server has not stored, is renumbered to it and sent again. Order is kept because this
 *   loop is the only sender and goes one op at a time.
 * - 425 not_causal, 429, 5xx: retried with exponential backoff, 3 attempts per drain,
 *   then Errors.
 * - No answer at all: retried the same way; after the third, the drain stops and the op
 *   stays queued — the network failed, not the op.
 * - 401: the drain stops (sign in again); other 4xx: Errors.
 */
import { ERROR_CODES, isErrorCode, type ServerState } from '@outpost/shared';
import { Unreachable, type Api, type ApiAnswer } from '../sync/api';
import { backoffDelay, sleep, type BackoffPolicy } from '../sync/backoff';
import { sendBatch } from './batch';
import type { OpResult, Outbox, OutboxItem } from './outbox';

/** Attempts per op per drain. */
export const ATTEMPTS_PER_DRAIN = 3;

/** What the drain needs from the engine. */
export interface DrainDeps {
  outbox: Outbox;
  api: Api;
  /** Resolves once the doc updates made before this op are durable (bounded wait). */
  flushDependencies(item: OutboxItem): Promise<void>;
  retryBackoff?: BackoffPolicy;
  signal: AbortSignal;
  /** Called as each op goes through, before the outbox reports it sent. */
  onSent?(item: OutboxItem): void;
  /** Send the whole queue in one request first (`POST /api/ops`, see batch.ts). */
  batched?: boolean;
}

/** How one drain ended. */
export interface DrainReport {
  sent: number;
  conflicts: number;
  errors: number;
  stopped: 'done' | 'unreachable' | 'signed_out' | 'aborted';
}

type Step = 'next' | 'unreachable' | 'signed_out';

interface ErrorDetails {
  server?: ServerState;
  expectedSeq?: number;
}

/** Sends every queued op once through the rules above. */
export async function drainOutbox(deps: DrainDeps): Promise<DrainReport> {
  const report: DrainReport = { sent: 0, conflicts: 0, errors: 0, stopped: 'done' };
  if (deps.batched) {
    const end = await sendBatch(deps, report);
    if (end !== 'continue') return { ...report, stopped: end };
  }
  const tried = new Set<string>();
  for (let guard = 0; guard < 10_000; guard++) {
    if (deps.signal.aborted) return { ...report, stopped: 'aborted' };
    const item = (await deps.outbox.reload()).queued.find((i) => !tried.has(i.opId));
    if (!item) return report;
    tried.add(item.opId);
    const step = await sendOne(deps, item, report);
    if (step !== 'next') return { ...report, stopped: step };
  }
  return report;
}

async function sendOne(deps: DrainDeps, item: OutboxItem, report: DrainReport): Promise<Step> {
  const policy = deps.retryBackoff ?? { baseMs: 300, maxMs: 5_000 };
  let last: { code: string; message: string } = { code: 'unavailable', message: ERROR_CODES.unavailable.message };
  let noAnswer = false;
  for (let attempt = 0; attempt < ATTEMPTS_PER_DRAIN; attempt++) {
    if (attempt > 0) await sleep(backoffDelay(attempt - 1, policy), deps.signal);
    if (deps.signal.aborted) return 'unreachable';
    await deps.flushDependencies(item);
    let answer: ApiAnswer<{ result?: OpResult; error?: { code: string; message: string; details?: ErrorDetails } }>;
    try {
      item.attempts++;
      answer = await deps.api.request('POST', `/api/jobs/${encodeURIComponent(item.jobId)}/ops`, item.op);
    } catch (err) {
      if (!(err instanceof Unreachable)) throw err;
      last = { code: 'unavailable', message: `The server could not be reached: ${err.message}` };
      noAnswer = true;
      continue;
    }
    noAnswer = false;
    const error = answer.body?.error;
    if (answer.status === 200 && answer.body.result) {
      report.sent++;
      deps.onSent?.(item);
      await deps.outbox.save({ ...item, state: 'sent', sentAt: new Date().toISOString(), result: answer.body.result });
      return 'next';
    }
    const code = error && isErrorCode(error.code) ? error.code : answer.status >= 500 ? 'internal' : 'bad_request';
    const message = error?.message ?? ERROR_CODES[code].message;
    if ((code === 'out_of_order' || code === 'op_mismatch') && typeof error?.details?.expectedSeq === 'number') {
      const expected = error.details.expectedSeq;
      item.op = { ...item.op, deviceSeq: expected };
      await deps.outbox.raiseDeviceSeq(expected);
      await deps.outbox.save(item);
      // A renumbering is not a failed attempt; `attempts` still bounds it.
      if (item.attempts <= ATTEMPTS_PER_DRAIN * 3) attempt--;
      continue;
    }
    const server = error?.details?.server;
    if (answer.status === 409 && server) {
      report.conflicts++;
      await deps.outbox.save({ ...item, state: 'conflict', conflict: { code, message, server } });
      return 'next';
    }
    if (answer.status === 401) return 'signed_out';
    last = { code, message };
    if (!ERROR_CODES[code].retryable) break;
  }
  if (noAnswer) {
    await deps.outbox.save(item);
    return 'unreachable';
  }
  report.errors++;
  await deps.outbox.save({ ...item, state: 'error', error: last });
  return 'next';
}
