/**
 * Draining the outbox: ops go to the server one at a time, in `deviceSeq` order (so in
 * order per job and per device), whenever the server is reachable. Each drain makes at
 * most one attempt per op; waiting is the retry schedule's job (sync/retry-schedule.ts),
 * and the drain reports when the next attempt is due so catching up can come back then.
 *
 * - 200: Sent, with the server's result and the time.
 * - 409 with the server's state: Conflicts, with that state, who changed it and when
 *   (a 409 without it, e.g. an op id reused for another op, is a permanent refusal).
 * - 425 out_of_order / 409 op_mismatch with `expectedSeq`: the server names the seq it
 *   expects (an earlier op was discarded or never stored, or a retried op's seq was taken);
 *   the op, which the server has not stored, is renumbered to it and sent again. Order is
 *   kept because this loop is the only sender and goes one op at a time.
 * - Transient (5xx, 425 not_causal, 429, 408): the op waits for its next attempt (never
 *   sooner than a 429's Retry-After) and the
 *   ops behind it wait with it; after the third it is flagged (Errors) and the rest go on,
 *   while the flagged op keeps being retried in the background until it goes through.
 * - No answer at all: the drain stops and the op stays queued, unflagged — the network
 *   failed, not the op (catching up probes until the server answers).
 * - 401: the drain stops (sign in again); other 4xx: Errors after one try.
 *
 * Content before ops: before an op is sent, `flushDependencies` makes the job content it
 * depends on durable. Where that content cannot go (the server refused it, or said "later"),
 * the op is **held**: not sent, no attempt counted, nothing flagged — it holds back the ops
 * behind it exactly like an op waiting for its retry, and goes in a later drain once the
 * content is through. The page waits for its socket's durable acks (bounded; the server's
 * causal wait judges the rest); the service worker, which sends content over HTTP first,
 * holds the ops of a job whose content did not go (background-drain.ts).
 */
import { ERROR_CODES, isErrorCode, type ServerState } from '@outpost/shared';
import { Unreachable, type ServerHttp, type HttpAnswer } from '../sync/server-http';
import { failureAfter, FLAG_AFTER_ATTEMPTS, isDue, isFlagged, serverWait } from '../sync/retry-schedule';
import { sendBatch } from './batch';
import type { OpResult, Outbox, OutboxItem } from './outbox';

/** Answered transient failures before an op is flagged in Errors (kept for the app's words). */
export const ATTEMPTS_PER_DRAIN = FLAG_AFTER_ATTEMPTS;

/** What the drain needs from the engine. */
export interface DrainDeps {
  outbox: Outbox;
  api: ServerHttp;
  /**
   * Resolves once the doc updates made before this op are durable (bounded wait); `'held'`
   * when they will not be in this drain, so the op must not go ahead of them.
   */
  flushDependencies(item: OutboxItem): Promise<void | 'held'>;
  signal: AbortSignal;
  /** Called as each op goes through, before the outbox reports it sent. */
  onSent?(item: OutboxItem): void;
  /** The clock (tests). */
  now?: () => number;
  /** Jitter source (tests). */
  random?: () => number;
  /** Send the whole queue in one request first (`POST /api/ops`, see batch.ts). */
  batched?: boolean;
}

/** How one drain ended. */
export interface DrainReport {
  sent: number;
  conflicts: number;
  /** Ops held behind job content that did not reach the server (not sent, not counted as tries). */
  held: number;
  /** Ops newly listed in Errors. */
  errors: number;
  stopped: 'done' | 'unreachable' | 'signed_out' | 'aborted';
  /** When the earliest op waiting for a retry is due (ms since epoch), if any. */
  retryAt?: number;
}

type Step = 'next' | 'wait' | 'held' | 'unreachable' | 'signed_out';

interface ErrorDetails {
  server?: ServerState;
  expectedSeq?: number;
}

/** Sends every op that is due once, through the rules above. */
export async function drainOutbox(deps: DrainDeps): Promise<DrainReport> {
  const now = deps.now ?? Date.now;
  const report: DrainReport = { sent: 0, conflicts: 0, errors: 0, held: 0, stopped: 'done' };
  if (deps.batched) {
    const end = await sendBatch(deps, report);
    if (end !== 'continue') return { ...report, stopped: end };
  }
  const tried = new Set<string>();
  const waitUntil = (item: OutboxItem) => {
    const at = item.error?.retryAt ? Date.parse(item.error.retryAt) : undefined;
    if (at !== undefined && item.error?.kind === 'transient') report.retryAt = Math.min(report.retryAt ?? at, at);
  };
  let blocked = false;
  for (let guard = 0; guard < 10_000; guard++) {
    if (deps.signal.aborted) return { ...report, stopped: 'aborted' };
    const lists = await deps.outbox.reload();
    // Queued ops in order; an op still waiting for its retry holds back the ones behind it.
    // Flagged ops are out of the line: each is retried on its own when due.
    const line = blocked ? [] : lists.queued.filter((i) => !tried.has(i.opId));
    const head = line[0];
    if (head && !isDue(head.error, now())) {
      waitUntil(head);
      blocked = true;
      continue;
    }
    const flagged = lists.errors.filter((i) => !tried.has(i.opId) && i.error?.kind === 'transient');
    const item = head ?? flagged.find((i) => isDue(i.error, now()));
    if (!item) {
      for (const f of flagged) waitUntil(f);
      return report;
    }
    tried.add(item.opId);
    const step = await sendOne(deps, item, report, now);
    if (step === 'held') {
      report.held++;
      // Like an op waiting for its retry: the ones behind it wait too.
      if (item === head) blocked = true;
      continue;
    }
    if (step === 'wait') {
      waitUntil(item);
      // A flagged op has left the line; one still waiting for its retry holds it.
      if (item === head && item.state === 'queued') blocked = true;
      continue;
    }
    if (step !== 'next') return { ...report, stopped: step };
  }
  return report;
}

async function sendOne(deps: DrainDeps, item: OutboxItem, report: DrainReport, now: () => number): Promise<Step> {
  const wasFlagged = item.state === 'error';
  for (let renumbered = 0; renumbered <= 3; renumbered++) {
    if (deps.signal.aborted) return 'unreachable';
    if ((await deps.flushDependencies(item)) === 'held') return 'held';
    let answer: HttpAnswer<{ result?: OpResult; error?: { code: string; message: string; details?: ErrorDetails } }>;
    try {
      answer = await deps.api.request('POST', `/api/jobs/${encodeURIComponent(item.jobId)}/ops`, item.op);
    } catch (err) {
      if (!(err instanceof Unreachable)) throw err;
      return 'unreachable';
    }
    const error = answer.body?.error;
    if (answer.status === 200 && answer.body.result) {
      report.sent++;
      deps.onSent?.(item);
      await deps.outbox.save({ ...item, attempts: item.attempts + 1, state: 'sent', sentAt: new Date(now()).toISOString(), result: answer.body.result, error: undefined });
      return 'next';
    }
    const code = error && isErrorCode(error.code) ? error.code : answer.status >= 500 ? 'internal' : 'bad_request';
    const message = error?.message ?? ERROR_CODES[code].message;
    if ((code === 'out_of_order' || code === 'op_mismatch') && typeof error?.details?.expectedSeq === 'number') {
      const expected = error.details.expectedSeq;
      item.op = { ...item.op, deviceSeq: expected };
      await deps.outbox.raiseDeviceSeq(expected);
      await deps.outbox.save(item);
      continue;
    }
    const server = error?.details?.server;
    if (answer.status === 409 && server) {
      report.conflicts++;
      await deps.outbox.save({ ...item, attempts: item.attempts + 1, state: 'conflict', conflict: { code, message, server }, error: undefined });
      return 'next';
    }
    if (answer.status === 401) return 'signed_out';
    const attempts = item.attempts + 1;
    const failure = failureAfter(attempts, answer.status, { code, message }, now(), deps.random, serverWait(error?.details));
    const flagged = isFlagged(attempts, failure.kind);
    if (flagged && !wasFlagged) report.errors++;
    Object.assign(item, { attempts, error: failure, state: flagged ? 'error' : 'queued' });
    await deps.outbox.save(item);
    return failure.kind === 'transient' ? 'wait' : 'next';
  }
  // The server kept naming another seq: leave the op for the next drain.
  return 'next';
}
