/**
 * The scale-out store: Postgres shared by every server node. Job docs live in
 * job-docs.ts and the op log in op-log.ts (both written for concurrent nodes); the
 * reference data here is plain upserts and reads.
 *
 *   const store = await PostgresStore.open(process.env.OUTPOST_DATABASE_URL)
 */
import { PostgresBlobChunks } from './blob-chunks';
import { PostgresHandovers } from './handovers';
import { OPEN_STATUSES, type ServerState } from '@outpost/shared';
import type pg from 'pg';
import type {
  ApplyOpOutcome,
  BlobChunkStore,
  BlobRecord,
  CustomerRecord,
  EquipmentFilter,
  EquipmentRecord,
  JobFilter,
  JobDocState,
  JobRecord,
  JobUpdate,
  OpAttempt,
  OpLogEntry,
  OpVerdict,
  PricebookItem,
  SearchPage,
  HandoverStore,
  Store,
  StoredJobDoc,
  UserRecord,
} from '../store';
import { answerWith, BLOB_CHUNK_STORE_METHODS, HANDOVER_STORE_METHODS } from '../store-parts';
import * as jobDocs from './job-docs';
import { migrate } from './migrate';
import * as opLog from './op-log';
import { inTransaction, openConnections, openPostgresPool, type PostgresPoolOptions } from './pool';
import { byteaParam, bytesOf, jobFromRow, userFromRow, type JobRow, type UserRow } from './rows';

/**
 * Connections a store keeps open by default (`PostgresPoolOptions.min`): a cold job open
 * reads the job and its doc at once (its access check reads the job the load read), with
 * one more for a commit or another socket's read meanwhile.
 */
const OPEN_CONNECTIONS = 3;

/** The job read: named, so each connection parses and plans it once (every socket's access check runs it). */
function jobQuery(id: string): pg.QueryConfig<[string]> {
  return { name: 'outpost_job', text: 'SELECT * FROM jobs WHERE id = $1', values: [id] };
}

/** Readies a connection for the reads of a cold job open before the first one comes. */
async function prepareOpenReads(client: pg.PoolClient): Promise<void> {
  await Promise.all([client.query(jobQuery('')), jobDocs.prepareJobDocRead(client)]);
}

/** Handovers and resumable-upload chunks are answered by their own modules (store-parts.ts). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the methods answerWith installs in the constructor (store-parts.ts), typed here
export interface PostgresStore extends HandoverStore, BlobChunkStore {}

/** A `Store` on a Postgres database shared by every node. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class PostgresStore implements Store {
  /** Wraps a pool whose schema is already migrated; `close` ends the pool. */
  constructor(private readonly pool: pg.Pool) {
    answerWith<HandoverStore>(this, new PostgresHandovers(pool), HANDOVER_STORE_METHODS);
    answerWith<BlobChunkStore>(this, new PostgresBlobChunks(pool), BLOB_CHUNK_STORE_METHODS);
  }

  /**
   * Connects to `url` (postgres://…, schema by `search_path`), migrates, opens the pool's
   * `min` connections (default 3, see `OPEN_CONNECTIONS`) with the reads of a cold job
   * open prepared on each, and returns the store.
   */
  static async open(url: string, options: PostgresPoolOptions = {}): Promise<PostgresStore> {
    const min = Math.min(options.min ?? OPEN_CONNECTIONS, options.max ?? OPEN_CONNECTIONS);
    const pool = openPostgresPool(url, { ...options, min });
    try {
      await migrate(pool);
      await openConnections(pool, min, prepareOpenReads);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PostgresStore(pool);
  }

  appendUpdates(batch: readonly JobUpdate[]): Promise<void> {
    return jobDocs.appendJobUpdates(this.pool, batch);
  }

  loadJobDoc(jobId: string): Promise<StoredJobDoc> {
    return jobDocs.loadJobDoc(this.pool, jobId);
  }

  countJobUpdates(jobId: string): Promise<number> {
    return jobDocs.countJobUpdates(this.pool, jobId);
  }

  listJobsWithLog(): Promise<string[]> {
    return jobDocs.listJobsWithLog(this.pool);
  }

  async compactJobDoc(jobId: string, docState?: JobDocState): Promise<void> {
    // Folding is an optimisation: once closed, the log stays as stored for the next open.
    if (this.pool.ending) return;
    return jobDocs.compactJobDoc(this.pool, jobId, docState);
  }

  applyOp(attempt: OpAttempt, decide: (state: ServerState) => OpVerdict): Promise<ApplyOpOutcome> {
    return opLog.applyOp(this.pool, attempt, decide);
  }

  listOps(jobId: string): Promise<OpLogEntry[]> {
    return opLog.listOps(this.pool, jobId);
  }

  getOp(opId: string): Promise<OpLogEntry | null> {
    return opLog.getOp(this.pool, opId);
  }

  listUnacknowledgedReviews(): Promise<OpLogEntry[]> {
    return opLog.listUnacknowledgedReviews(this.pool);
  }

  acknowledgeReview(opId: string, jobId: string, by: string, at: string): Promise<void> {
    return opLog.acknowledgeReview(this.pool, opId, jobId, by, at);
  }

  async putUser(user: UserRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO users (id, username, name, role, password_hash) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET username = excluded.username, name = excluded.name, role = excluded.role, password_hash = excluded.password_hash`,
      [user.id, user.username, user.name, user.role, user.passwordHash],
    );
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
    return rows[0] ? userFromRow(rows[0]) : null;
  }

  async getUserByUsername(username: string): Promise<UserRecord | null> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM users WHERE username = $1', [username]);
    return rows[0] ? userFromRow(rows[0]) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    const { rows } = await this.pool.query<UserRow>('SELECT * FROM users ORDER BY id');
    return rows.map(userFromRow);
  }

  async createJob(job: JobRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO jobs (id, title, customer_id, site_address, window_start, window_end, created_at, status, version, assignees, changed_by, changed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [job.id, job.title, job.customerId, job.siteAddress, job.windowStart, job.windowEnd, job.createdAt, job.status, job.version, job.assignees, job.changedBy, job.changedAt],
    );
  }

  async setJobWindow(id: string, windowStart: string, windowEnd: string): Promise<boolean> {
    const res = await this.pool.query('UPDATE jobs SET window_start = $1, window_end = $2 WHERE id = $3', [windowStart, windowEnd, id]);
    return (res.rowCount ?? 0) > 0;
  }

  async getJob(id: string): Promise<JobRecord | null> {
    const { rows } = await this.pool.query<JobRow>(jobQuery(id));
    return rows[0] ? jobFromRow(rows[0]) : null;
  }

  async listJobs(filter: JobFilter = {}): Promise<JobRecord[]> {
    const { rows } = await this.pool.query<JobRow>(
      `SELECT * FROM jobs
       WHERE ($1::text IS NULL OR window_end > $1) AND ($2::text IS NULL OR window_start < $2) AND ($3::text IS NULL OR $3 = ANY(assignees))
         AND ($4::text IS NULL OR status = ANY($5::text[]) OR window_end > $4) AND ($6::text IS NULL OR customer_id = $6)
       ORDER BY window_start, id`,
      [filter.from ?? null, filter.to ?? null, filter.assignee ?? null, filter.closedAfter ?? null, OPEN_STATUSES, filter.customerId ?? null],
    );
    return rows.map(jobFromRow);
  }

  async highestJobNumber(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string | null }>("SELECT MAX(substr(id, 5)::numeric) AS n FROM jobs WHERE id ~ '^job-[0-9]+$'");
    return Number(rows[0]?.n ?? 0);
  }

  async putCustomer(customer: CustomerRecord): Promise<void> {
    await this.pool.query('INSERT INTO customers (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = excluded.body', [customer.id, JSON.stringify(customer)]);
  }

  async getCustomer(id: string): Promise<CustomerRecord | null> {
    const { rows } = await this.pool.query<{ body: CustomerRecord }>('SELECT body FROM customers WHERE id = $1', [id]);
    return rows[0]?.body ?? null;
  }

  async listCustomers(ids?: readonly string[]): Promise<CustomerRecord[]> {
    const { rows } = await this.pool.query<{ body: CustomerRecord }>('SELECT body FROM customers WHERE $1::text[] IS NULL OR id = ANY($1) ORDER BY id', [ids ?? null]);
    return rows.map((r) => r.body);
  }

  async searchCustomers(page: SearchPage): Promise<CustomerRecord[]> {
    return this.search('customers', ['name', 'phone', 'email', 'address'], page);
  }

  async searchPricebook(page: SearchPage): Promise<PricebookItem[]> {
    return this.search('pricebook', ['sku', 'description', 'category'], page);
  }

  private async search<T>(table: 'customers' | 'pricebook', fields: readonly string[], page: SearchPage): Promise<T[]> {
    const text = fields.map((f) => `coalesce(body->>'${f}', '')`).join(` || ' ' || `);
    const { rows } = await this.pool.query<{ body: T }>(`SELECT body FROM ${table} WHERE id > $1 AND strpos(lower(${text}), lower($2)) > 0 ORDER BY id LIMIT $3`, [
      page.after ?? '',
      page.q,
      page.limit,
    ]);
    return rows.map((r) => r.body);
  }

  async putEquipment(equipment: EquipmentRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO equipment (id, customer_id, job_ids, body) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, job_ids = excluded.job_ids, body = excluded.body`,
      [equipment.id, equipment.customerId, equipment.jobIds, JSON.stringify(equipment)],
    );
  }

  async listEquipment(filter: EquipmentFilter = {}): Promise<EquipmentRecord[]> {
    const { rows } = await this.pool.query<{ body: EquipmentRecord }>(
      `SELECT body FROM equipment
       WHERE ($1::text IS NULL OR $1 = ANY(job_ids)) AND ($2::text IS NULL OR customer_id = $2) AND ($3::text[] IS NULL OR id = ANY($3))
         AND ($4::text[] IS NULL OR job_ids && $4)
       ORDER BY id`,
      [filter.jobId ?? null, filter.customerId ?? null, filter.ids ?? null, filter.jobIds ?? null],
    );
    return rows.map((r) => r.body);
  }

  async putPricebookItems(items: readonly PricebookItem[]): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      for (const item of items) {
        await client.query('INSERT INTO pricebook (id, body) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET body = excluded.body', [item.id, JSON.stringify(item)]);
      }
    });
  }

  async listPricebook(): Promise<PricebookItem[]> {
    const { rows } = await this.pool.query<{ body: PricebookItem }>('SELECT body FROM pricebook ORDER BY id');
    return rows.map((r) => r.body);
  }

  async putBlob(sha256: string, blob: BlobRecord, uploadedBy?: string): Promise<boolean> {
    // One statement, so the uploader is recorded exactly when the bytes are (or were) stored.
    const result = await this.pool.query<{ created: boolean }>(
      `WITH put AS (INSERT INTO blobs (sha256, content_type, bytes) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING RETURNING 1),
            who AS (INSERT INTO blob_uploads (sha256, user_id) SELECT $1, $4 WHERE $4::text IS NOT NULL ON CONFLICT DO NOTHING)
       SELECT EXISTS (SELECT 1 FROM put) AS created`,
      [sha256, blob.contentType, byteaParam(blob.bytes), uploadedBy ?? null],
    );
    return result.rows[0]?.created === true;
  }

  async hasBlob(sha256: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM blobs WHERE sha256 = $1', [sha256]);
    return rowCount === 1;
  }

  async blobUploadedBy(sha256: string, userId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('SELECT 1 FROM blob_uploads WHERE sha256 = $1 AND user_id = $2', [sha256, userId]);
    return rowCount === 1;
  }

  async getBlob(sha256: string): Promise<BlobRecord | null> {
    const { rows } = await this.pool.query<{ content_type: string; bytes: Buffer }>('SELECT content_type, bytes FROM blobs WHERE sha256 = $1', [sha256]);
    return rows[0] ? { contentType: rows[0].content_type, bytes: bytesOf(rows[0].bytes) } : null;
  }

  async commitDurability(): Promise<string> {
    const { rows } = await this.pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit');
    return `Postgres synchronous_commit = ${rows[0]!.synchronous_commit}`;
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }
}
