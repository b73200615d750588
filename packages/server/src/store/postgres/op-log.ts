/**
 * The workflow op log on Postgres, safe with several server nodes applying ops at once.
 * One transaction per op, taking row locks in a fixed order — the sequence row of the
 * (user, device), then the job row (`SELECT … FOR UPDATE`) — so:
 * - a device's ops are numbered without gaps even when its retries land on two nodes;
 * - the same opId sent to two nodes is recorded once (the second waits on the sequence
 *   lock, then finds the first's entry);
 * - two ops on one job are decided one after the other, each against the state the
 *   other committed, so no two ever apply at the same version.
 * The fixed lock order means these transactions cannot deadlock each other; a
 * serialization failure or deadlock from elsewhere is retried a bounded number of times.
 */
import type { ServerState } from '@outpost/shared';
import type pg from 'pg';
import { buildOpEntry, checkDeviceSeq } from '../op-entry';
import type { ApplyOpOutcome, OpAttempt, OpLogEntry, OpVerdict } from '../store';
import { inTransaction } from './pool';
import { stateFromRow, type JobRow } from './rows';

// serialization_failure, deadlock_detected, and unique_violation: two users racing with one
// opId hold different sequence locks; the loser retries and finds the winner's entry.
const RETRYABLE = new Set(['40001', '40P01', '23505']);
const MAX_ATTEMPTS = 5;

/** Thrown to roll a `refused` verdict back, so it leaves no row behind (not even a sequence row). */
class Refused extends Error {
  constructor(readonly outcome: Extract<ApplyOpOutcome, { kind: 'refused' }>) {
    super(outcome.message);
  }
}

async function applyOnce(client: pg.PoolClient, attempt: OpAttempt, decide: (state: ServerState) => OpVerdict): Promise<ApplyOpOutcome> {
  const device = [attempt.actor, attempt.deviceId];
  // Make sure the sequence row exists so FOR UPDATE has something to lock, even for a first op.
  await client.query('INSERT INTO device_seqs (user_id, device_id, last_seq) VALUES ($1, $2, 0) ON CONFLICT (user_id, device_id) DO NOTHING', device);
  const seqRow = await client.query<{ last_seq: string }>('SELECT last_seq FROM device_seqs WHERE user_id = $1 AND device_id = $2 FOR UPDATE', device);
  // Read after the lock: a concurrent copy of this op on another node has committed by now.
  const known = await client.query<{ entry: OpLogEntry }>('SELECT entry FROM ops WHERE op_id = $1', [attempt.opId]);
  if (known.rows[0]) return { kind: 'duplicate', entry: known.rows[0].entry };
  const refusal = checkDeviceSeq(Number(seqRow.rows[0]!.last_seq), attempt.deviceSeq);
  if (refusal) return refusal;
  const consumeSeq = () => client.query('UPDATE device_seqs SET last_seq = $3 WHERE user_id = $1 AND device_id = $2', [...device, attempt.deviceSeq]);

  const job = await client.query<JobRow>('SELECT * FROM jobs WHERE id = $1 FOR UPDATE', [attempt.jobId]);
  if (!job.rows[0]) {
    await consumeSeq();
    return { kind: 'job_not_found' };
  }
  const before = stateFromRow(job.rows[0]);
  const verdict = decide(before);
  if (verdict.outcome === 'refused') throw new Refused({ kind: 'refused', code: verdict.code, message: verdict.message });
  await consumeSeq();
  const last = await client.query<{ n: number | null }>('SELECT max(seq) AS n FROM ops WHERE job_id = $1', [attempt.jobId]);
  const entry = buildOpEntry(attempt, (last.rows[0]!.n ?? 0) + 1, before, verdict);
  await client.query('INSERT INTO ops (op_id, job_id, seq, entry) VALUES ($1, $2, $3, $4)', [entry.opId, entry.jobId, entry.seq, JSON.stringify(entry)]);
  if (verdict.outcome === 'applied') {
    const s = verdict.state;
    await client.query('UPDATE jobs SET status = $2, version = $3, assignees = $4, changed_by = $5, changed_at = $6 WHERE id = $1', [
      attempt.jobId,
      s.status,
      s.version,
      s.assignees,
      s.changedBy,
      s.changedAt,
    ]);
  }
  return { kind: 'recorded', entry };
}

/** Records one workflow op atomically (see `Store.applyOp`). */
export async function applyOp(pool: pg.Pool, attempt: OpAttempt, decide: (state: ServerState) => OpVerdict): Promise<ApplyOpOutcome> {
  for (let tries = 1; ; tries++) {
    try {
      return await inTransaction(pool, (client) => applyOnce(client, attempt, decide));
    } catch (err) {
      if (err instanceof Refused) return err.outcome;
      const code = (err as { code?: string }).code;
      if (tries >= MAX_ATTEMPTS || code === undefined || !RETRYABLE.has(code)) throw err;
    }
  }
}

/** A job's op log in order. */
export async function listOps(pool: pg.Pool, jobId: string): Promise<OpLogEntry[]> {
  const { rows } = await pool.query<{ entry: OpLogEntry }>('SELECT entry FROM ops WHERE job_id = $1 ORDER BY seq', [jobId]);
  return rows.map((r) => r.entry);
}

/** Applied override ops not yet acknowledged by a dispatcher (see `Store.listUnacknowledgedReviews`). */
export async function listUnacknowledgedReviews(pool: pg.Pool): Promise<OpLogEntry[]> {
  const { rows } = await pool.query<{ entry: OpLogEntry }>(
    `SELECT entry FROM ops WHERE (entry->>'review')::boolean AND op_id NOT IN (SELECT op_id FROM review_acks) ORDER BY job_id, seq`,
  );
  return rows.map((r) => r.entry);
}

/** Marks a review op as seen (idempotent). */
export async function acknowledgeReview(pool: pg.Pool, opId: string, jobId: string, by: string, at: string): Promise<void> {
  await pool.query('INSERT INTO review_acks (op_id, job_id, acked_by, acked_at) VALUES ($1, $2, $3, $4) ON CONFLICT (op_id) DO NOTHING', [opId, jobId, by, at]);
}

/** The op with this id, if any. */
export async function getOp(pool: pg.Pool, opId: string): Promise<OpLogEntry | null> {
  const { rows } = await pool.query<{ entry: OpLogEntry }>('SELECT entry FROM ops WHERE op_id = $1', [opId]);
  return rows[0]?.entry ?? null;
}
