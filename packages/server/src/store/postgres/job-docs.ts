/**
 * Job docs on Postgres: an append-only log of Yjs updates per job, folded into a snapshot
 * by compaction. Written for several nodes sharing one database:
 * - a batch of updates (group commit) is one transaction, so the relay's durable ack
 *   covers exactly what committed;
 * - loading reads snapshot and updates in ONE statement, so a compaction committing in
 *   between cannot make a reader miss the updates it folded away;
 * - compaction holds a per-job advisory lock and deletes exactly the ids it merged, so
 *   concurrent compactions and appends on other nodes lose nothing; the snapshot keeps
 *   its state vector, so a cold open answers sync without decoding it.
 */
import type pg from 'pg';
import * as Y from 'yjs';
import { docHolds } from '../doc-coverage';
import { mergeJobLog } from '../job-doc-merge';
import type { JobDocState, JobUpdate, StoredJobDoc } from '../store';
import { inTransaction } from './pool';
import { byteaParam, bytesOf } from './rows';

/** Appends a batch (many jobs) in one transaction, keeping batch order. */
export async function appendJobUpdates(pool: pg.Pool, batch: readonly JobUpdate[]): Promise<void> {
  if (batch.length === 0) return;
  // One statement: a single round trip per batch, and rows get ids in batch order.
  await pool.query(
    `INSERT INTO job_updates (job_id, update_bytes)
     SELECT job_id, update_bytes FROM unnest($1::text[], $2::bytea[]) WITH ORDINALITY AS b(job_id, update_bytes, n) ORDER BY n`,
    [batch.map((u) => u.jobId), batch.map((u) => byteaParam(u.update))],
  );
}

interface JobDocRows {
  snapshot: Uint8Array | null;
  stateVector: Uint8Array | null;
  updates: { id: string; bytes: Uint8Array }[];
}

/**
 * The read of a job's doc. Named, so each connection parses and plans it once (every cold
 * open runs it; `PostgresStore.open` prepares it on the connections it opens).
 */
function jobDocQuery(jobId: string): pg.QueryConfig<[string]> {
  return {
    name: 'outpost_job_doc',
    text: `SELECT NULL::bigint AS id, snapshot AS bytes, state_vector FROM job_snapshots WHERE job_id = $1
     UNION ALL
     SELECT id, update_bytes, NULL FROM job_updates WHERE job_id = $1
     ORDER BY id NULLS FIRST`,
    values: [jobId],
  };
}

/** Parses and plans the doc read on `client` ahead of the first cold open it serves. */
export async function prepareJobDocRead(client: pg.ClientBase): Promise<void> {
  await client.query(jobDocQuery(''));
}

async function readJobDocRows(db: pg.Pool | pg.PoolClient, jobId: string): Promise<JobDocRows> {
  const { rows } = await db.query<{ id: string | null; bytes: Buffer; state_vector: Buffer | null }>(jobDocQuery(jobId));
  const first = rows[0];
  const snapshotRow = first && first.id === null ? first : null;
  return {
    snapshot: snapshotRow ? bytesOf(snapshotRow.bytes) : null,
    stateVector: snapshotRow?.state_vector ? bytesOf(snapshotRow.state_vector) : null,
    updates: rows.flatMap((r) => (r.id === null ? [] : [{ id: r.id, bytes: bytesOf(r.bytes) }])),
  };
}

/** Snapshot (with its state vector, when kept) and later updates of one job, read as one consistent view. */
export async function loadJobDoc(pool: pg.Pool, jobId: string): Promise<StoredJobDoc> {
  const { snapshot, stateVector, updates } = await readJobDocRows(pool, jobId);
  return { snapshot, updates: updates.map((u) => u.bytes), ...(stateVector ? { snapshotStateVector: stateVector } : {}) };
}

/** Number of updates since the last snapshot. */
export async function countJobUpdates(pool: pg.Pool, jobId: string): Promise<number> {
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM job_updates WHERE job_id = $1', [jobId]);
  return Number(rows[0]!.n);
}

/** Jobs with updates behind their snapshot, by id (read off the `(job_id, id)` index). */
export async function listJobsWithLog(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ job_id: string }>('SELECT DISTINCT job_id FROM job_updates ORDER BY job_id');
  return rows.map((r) => r.job_id);
}

/**
 * Folds a job's snapshot and updates into a new snapshot, stored with its state vector.
 * `docState` (a node's loaded doc) is stored instead of the merge when it holds all of it
 * (`docHolds`): a live doc's encoding is several times smaller than merged updates (runs
 * of items merged), so the next cold open reads, sends and applies less. Another node's
 * update the doc lacks fails the check, and the merge is stored as before.
 */
export async function compactJobDoc(pool: pg.Pool, jobId: string, docState?: JobDocState): Promise<void> {
  await inTransaction(pool, async (client) => {
    await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('outpost_compact:' || $1, 0))`, [jobId]);
    const { snapshot, updates } = await readJobDocRows(client, jobId);
    if (updates.length === 0) return;
    const merged = mergeJobLog(
      snapshot,
      updates.map((u) => u.bytes),
    );
    const [bytes, vector] = docState && docHolds(docState, merged) ? [docState.update, docState.stateVector] : [merged, Y.encodeStateVectorFromUpdate(merged)];
    await client.query(
      `INSERT INTO job_snapshots (job_id, snapshot, state_vector) VALUES ($1, $2, $3)
       ON CONFLICT (job_id) DO UPDATE SET snapshot = excluded.snapshot, state_vector = excluded.state_vector`,
      [jobId, byteaParam(bytes), byteaParam(vector)],
    );
    await client.query('DELETE FROM job_updates WHERE id = ANY($1::bigint[])', [updates.map((u) => u.id)]);
  });
}
