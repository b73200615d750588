/**
 * The embedded store: one SQLite file (better-sqlite3, WAL). better-sqlite3 is
 * synchronous, so every transaction runs to completion without interleaving; the async
 * methods only wrap it to match `Store`. Statements are prepared once.
 *
 * Durability (`Durability`, store.ts): `full` (the default) runs `synchronous = FULL`: in
 * WAL mode every commit fsyncs the WAL before the call returns, so an acked update
 * survives power loss and kernel crashes too. Group commit makes that one fsync per
 * batch, not per update. `process` runs `synchronous = NORMAL`: every commit is written
 * to the WAL file before the call returns (it survives the process dying in any way:
 * SIGKILL, OOM, a crash), and the WAL is fsynced only at checkpoints, so power loss or a
 * kernel crash can lose the last commits (the database stays consistent).
 */
import { SqliteBlobChunks } from './blob-chunks';
import { SqliteHandovers } from './handovers';
import Database from 'better-sqlite3';
import type { ServerState } from '@outpost/shared';
import { answerWith, BLOB_CHUNK_STORE_METHODS, HANDOVER_STORE_METHODS } from '../store-parts';
import { buildOpEntry, checkDeviceSeq } from '../op-entry';
import { equipmentQuery, HIGHEST_JOB_NUMBER, jobsQuery } from './directory-sql';
import type {
  ApplyOpOutcome,
  BlobChunkStore,
  BlobRecord,
  CustomerRecord,
  EquipmentFilter,
  EquipmentRecord,
  JobDocState,
  JobFilter,
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
import { stateOf, type JobRow } from '../job-row';
import { protectDatabaseFile } from './data-files';
import { migrateSqlite } from './migrations';
import { LogWriter } from './log-writer';
import { WalCheckpointer } from './wal-checkpointer';
import { PinnedLogWatch } from './pinned-log-watch';
import { SqliteJobDocs } from './job-docs';
import { prepareStatements, type Statements } from './statements';
import { blob, bytes, jobFromSqliteRow, userFromRow, type UserRow } from './rows';
import { SYNCHRONOUS, SYNCHRONOUS_NAMES, type SqliteStoreOptions } from './store-options';

export type { SqliteStoreOptions } from './store-options';

/** Handovers and resumable-upload chunks are answered by their own modules (store-parts.ts). */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the methods answerWith installs in the constructor (store-parts.ts), typed here
export interface SqliteStore extends HandoverStore, BlobChunkStore {}

/** A `Store` on one SQLite file. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class SqliteStore implements Store {
  private readonly db: Database.Database;
  private readonly sql: Statements;
  /** Job docs read and written on this connection (job-docs.ts). */
  private readonly docs: SqliteJobDocs;
  /** Appends and snapshots off the event loop (log-writer.ts); null for `:memory:`, which a worker cannot share. */
  private readonly writer: LogWriter | null;
  /** WAL checkpoints off the event loop and beside the appends; null for `:memory:`. */
  private readonly checkpointer: WalCheckpointer | null;
  /** Folds a job log that keeps dead rows from being deleted for too long. */
  private readonly pinnedLogs: PinnedLogWatch;
  private closing = false;

  /** Opens (creating if needed, mode 0600) the database file at `file`. */
  constructor(file: string, options: SqliteStoreOptions = {}) {
    this.db = new Database(protectDatabaseFile(file));
    const synchronous = SYNCHRONOUS[options.durability ?? 'full'];
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${synchronous}`);
    this.db.pragma('busy_timeout = 5000');
    migrateSqlite(this.db);
    const inMemory = file === '' || file === ':memory:';
    // Checkpoints run on their own thread (wal-checkpointer.ts) and, once the WAL is long,
    // on the log writer's between two commits (log-writer-worker.ts); never inside a commit.
    if (!inMemory) this.db.pragma('wal_autocheckpoint = 0');
    const { checkpointEveryMs: everyMs, checkpointed, walRestartFrames: restartFrames, waitInTurnMs, waitShare, mayWaitInTurn } = options;
    this.writer = inMemory
      ? null
      : new LogWriter({ file, synchronous, busyTimeoutMs: 5000, checkpointed, waitInTurnMs, waitShare, mayWaitInTurn, committed: () => this.checkpointer?.soon() });
    this.checkpointer = inMemory ? null : new WalCheckpointer({ file, synchronous, everyMs, checkpointed, restartFrames, restart: () => this.writer?.restartWal() });
    this.sql = prepareStatements(this.db);
    answerWith<HandoverStore>(this, new SqliteHandovers(this.db), HANDOVER_STORE_METHODS, () => this.writeLockFree());
    answerWith<BlobChunkStore>(this, new SqliteBlobChunks(this.db), BLOB_CHUNK_STORE_METHODS, () => this.writeLockFree());
    this.docs = new SqliteJobDocs(this.db);
    this.pinnedLogs = new PinnedLogWatch(
      () => this.docs.oldestLog(),
      (jobId) => this.compactJobDoc(jobId),
      { spanRows: options.logSpanRows },
    );
  }

  /** Commits the batch in one transaction on the log writer's thread; resolves once committed. */
  async appendUpdates(batch: readonly JobUpdate[]): Promise<void> {
    if (this.writer) return this.writer.append(batch);
    this.docs.append(batch);
  }

  /** The watch on logs that keep dead rows on disk (tests run its check at once). */
  get pinnedLogWatch(): PinnedLogWatch {
    return this.pinnedLogs;
  }

  /** The log writer (tests stop its worker to see a crash handled as a failed commit). */
  get logWriter(): LogWriter | null {
    return this.writer;
  }

  async loadJobDoc(jobId: string): Promise<StoredJobDoc> {
    return this.docs.load(jobId);
  }

  async countJobUpdates(jobId: string): Promise<number> {
    return this.docs.count(jobId);
  }

  /**
   * Jobs with updates stored behind their snapshot, in id order (see `DocLog`); also notes
   * where each of those logs' rows are, so folding them reads the log once (leftover-rows.ts).
   */
  async listJobsWithLog(): Promise<string[]> {
    return this.docs.listWithLog();
  }

  async compactJobDoc(jobId: string, docState?: JobDocState): Promise<void> {
    // Folding is an optimisation: once closed, the log stays as stored for the next open.
    if (!this.db.open || this.closing) return;
    // Queued behind the appends made so far, so it can never drop one the doc lacks.
    if (docState && this.writer) return this.writer.snapshot(jobId, docState.update, docState.stateVector);
    await this.writeLockFree();
    if (!this.db.open || this.closing) return;
    this.docs.fold(jobId, docState);
  }

  async applyOp(attempt: OpAttempt, decide: (state: ServerState) => OpVerdict): Promise<ApplyOpOutcome> {
    const sql = this.sql;
    await this.writeLockFree();
    return this.db
      .transaction((): ApplyOpOutcome => {
        const known = sql.opById.get(attempt.opId) as { entry: string } | undefined;
        if (known) return { kind: 'duplicate', entry: JSON.parse(known.entry) as OpLogEntry };
        const device = sql.deviceSeq.get(attempt.actor, attempt.deviceId) as { last_seq: number } | undefined;
        const refusal = checkDeviceSeq(device?.last_seq ?? 0, attempt.deviceSeq);
        if (refusal) return refusal;
        const consumeSeq = () => sql.putDeviceSeq.run(attempt.actor, attempt.deviceId, attempt.deviceSeq);
        const row = sql.job.get(attempt.jobId) as JobRow<string> | undefined;
        if (!row) {
          consumeSeq();
          return { kind: 'job_not_found' };
        }
        const before = stateOf(jobFromSqliteRow(row));
        const verdict = decide(before);
        if (verdict.outcome === 'refused') return { kind: 'refused', code: verdict.code, message: verdict.message };
        consumeSeq();
        const last = sql.lastOpSeq.get(attempt.jobId) as { n: number | null };
        const entry = buildOpEntry(attempt, (last.n ?? 0) + 1, before, verdict);
        sql.insertOp.run(entry.opId, entry.jobId, entry.seq, JSON.stringify(entry));
        if (verdict.outcome === 'applied') {
          const s = verdict.state;
          sql.updateJobState.run(s.status, s.version, JSON.stringify(s.assignees), s.changedBy, s.changedAt, attempt.jobId);
        }
        return { kind: 'recorded', entry };
      })
      .immediate();
  }

  /**
   * Waits until the log writer holds no request: it may be holding the write lock, and a
   * write here would block the event loop in SQLite's busy wait, whose sleeps grow to
   * 100 ms (a batch of ops, each mirrored into its doc, would meet every commit). The
   * transaction that follows starts in the same turn, before the writer can get another
   * request; the busy timeout stays for anything else holding the lock.
   */
  private async writeLockFree(): Promise<void> {
    while (this.writer?.busy) await this.writer.idle();
    // The write that follows, in this turn, grows the WAL too.
    this.checkpointer?.soon();
  }

  async listOps(jobId: string): Promise<OpLogEntry[]> {
    const rows = this.sql.opsOfJob.all(jobId) as { entry: string }[];
    return rows.map((r) => JSON.parse(r.entry) as OpLogEntry);
  }

  async listUnacknowledgedReviews(): Promise<OpLogEntry[]> {
    return (this.sql.openReviews.all() as { entry: string }[]).map((r) => JSON.parse(r.entry) as OpLogEntry);
  }

  async acknowledgeReview(opId: string, jobId: string, by: string, at: string): Promise<void> {
    await this.writeLockFree();
    this.sql.ackReview.run(opId, jobId, by, at);
  }

  async getOp(opId: string): Promise<OpLogEntry | null> {
    const row = this.sql.opById.get(opId) as { entry: string } | undefined;
    return row ? (JSON.parse(row.entry) as OpLogEntry) : null;
  }

  async putUser(user: UserRecord): Promise<void> {
    await this.writeLockFree();
    this.db
      .prepare(
        `INSERT INTO users (id, username, name, role, password_hash) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET username = excluded.username, name = excluded.name, role = excluded.role, password_hash = excluded.password_hash`,
      )
      .run(user.id, user.username, user.name, user.role, user.passwordHash);
  }

  async getUser(id: string): Promise<UserRecord | null> {
    const row = this.sql.user.get(id) as UserRow | undefined;
    return row ? userFromRow(row) : null;
  }

  async getUserByUsername(username: string): Promise<UserRecord | null> {
    const row = this.sql.userByName.get(username) as UserRow | undefined;
    return row ? userFromRow(row) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (this.db.prepare('SELECT * FROM users ORDER BY id').all() as UserRow[]).map(userFromRow);
  }

  async createJob(job: JobRecord): Promise<void> {
    await this.writeLockFree();
    this.db
      .prepare(
        `INSERT INTO jobs (id, title, customer_id, site_address, window_start, window_end, created_at, status, version, assignees, changed_by, changed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        job.id,
        job.title,
        job.customerId,
        job.siteAddress,
        job.windowStart,
        job.windowEnd,
        job.createdAt,
        job.status,
        job.version,
        JSON.stringify(job.assignees),
        job.changedBy,
        job.changedAt,
      );
  }

  async getJob(id: string): Promise<JobRecord | null> {
    const row = this.sql.job.get(id) as JobRow<string> | undefined;
    return row ? jobFromSqliteRow(row) : null;
  }

  async setJobWindow(id: string, windowStart: string, windowEnd: string): Promise<boolean> {
    await this.writeLockFree();
    return this.db.prepare('UPDATE jobs SET window_start = ?, window_end = ? WHERE id = ?').run(windowStart, windowEnd, id).changes > 0;
  }

  async listJobs(filter: JobFilter = {}): Promise<JobRecord[]> {
    // Filtered by SQLite, not by parsing every job ever made into JavaScript first.
    const { sql, params } = jobsQuery(filter);
    return (this.db.prepare(sql).all(...params) as JobRow<string>[]).map(jobFromSqliteRow);
  }

  async highestJobNumber(): Promise<number> {
    return (this.db.prepare(HIGHEST_JOB_NUMBER).get() as { n: number | null }).n ?? 0;
  }

  async putCustomer(customer: CustomerRecord): Promise<void> {
    await this.writeLockFree();
    this.db.prepare('INSERT INTO customers (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body').run(customer.id, JSON.stringify(customer));
  }

  async getCustomer(id: string): Promise<CustomerRecord | null> {
    const row = this.db.prepare('SELECT body FROM customers WHERE id = ?').get(id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as CustomerRecord) : null;
  }

  async listCustomers(ids?: readonly string[]): Promise<CustomerRecord[]> {
    const rows = (
      ids === undefined
        ? this.db.prepare('SELECT body FROM customers ORDER BY id').all()
        : this.db.prepare('SELECT body FROM customers WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id').all(JSON.stringify(ids))
    ) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as CustomerRecord);
  }

  async searchCustomers(page: SearchPage): Promise<CustomerRecord[]> {
    return this.search('customers', ['name', 'phone', 'email', 'address'], page);
  }

  async searchPricebook(page: SearchPage): Promise<PricebookItem[]> {
    return this.search('pricebook', ['sku', 'description', 'category'], page);
  }

  private search<T>(table: 'customers' | 'pricebook', fields: readonly string[], page: SearchPage): T[] {
    // SQLite's lower() folds ASCII only; the query is folded the same way.
    const text = fields.map((f) => `coalesce(json_extract(body, '$.${f}'), '')`).join(` || ' ' || `);
    const rows = this.db
      .prepare(`SELECT body FROM ${table} WHERE id > ? AND instr(lower(${text}), ?) > 0 ORDER BY id LIMIT ?`)
      .all(page.after ?? '', asciiLower(page.q), page.limit) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as T);
  }

  async putEquipment(equipment: EquipmentRecord): Promise<void> {
    await this.writeLockFree();
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO equipment (id, customer_id, body) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, body = excluded.body')
        .run(equipment.id, equipment.customerId, JSON.stringify(equipment));
      // Which jobs it is on, by key (schema step 10): listEquipment reads a job's equipment from here.
      this.db.prepare('DELETE FROM equipment_jobs WHERE equipment_id = ?').run(equipment.id);
      const onJob = this.db.prepare('INSERT OR IGNORE INTO equipment_jobs (job_id, equipment_id) VALUES (?, ?)');
      for (const jobId of equipment.jobIds) onJob.run(jobId, equipment.id);
    })();
  }

  async listEquipment(filter: EquipmentFilter = {}): Promise<EquipmentRecord[]> {
    const { sql, params } = equipmentQuery(filter);
    return (this.db.prepare(sql).all(...params) as { body: string }[]).map((r) => JSON.parse(r.body) as EquipmentRecord);
  }

  async putPricebookItems(items: readonly PricebookItem[]): Promise<void> {
    await this.writeLockFree();
    const put = this.db.prepare('INSERT INTO pricebook (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body');
    this.db.transaction(() => {
      for (const item of items) put.run(item.id, JSON.stringify(item));
    })();
  }

  async listPricebook(): Promise<PricebookItem[]> {
    return (this.db.prepare('SELECT body FROM pricebook ORDER BY id').all() as { body: string }[]).map((r) => JSON.parse(r.body) as PricebookItem);
  }

  async putBlob(sha256: string, record: BlobRecord, uploadedBy?: string): Promise<boolean> {
    await this.writeLockFree();
    return this.db.transaction(() => {
      const result = this.sql.putBlob.run(sha256, record.contentType, blob(record.bytes));
      if (uploadedBy !== undefined) this.sql.putUpload.run(sha256, uploadedBy);
      return result.changes === 1;
    })();
  }

  async hasBlob(sha256: string): Promise<boolean> {
    return this.sql.hasBlob.get(sha256) !== undefined;
  }

  async blobUploadedBy(sha256: string, userId: string): Promise<boolean> {
    return this.sql.upload.get(sha256, userId) !== undefined;
  }

  async getBlob(sha256: string): Promise<BlobRecord | null> {
    const row = this.sql.blob.get(sha256) as { content_type: string; bytes: Buffer } | undefined;
    return row ? { contentType: row.content_type, bytes: bytes(row.bytes) } : null;
  }

  /** `synchronous` as this store's own connection runs it (the pragma is per connection). */
  synchronous(): (typeof SYNCHRONOUS_NAMES)[number] {
    return SYNCHRONOUS_NAMES[this.db.pragma('synchronous', { simple: true }) as number]!;
  }

  async commitDurability(): Promise<string> {
    return `SQLite synchronous = ${this.synchronous()}`;
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.pinnedLogs.stop();
    await this.writer?.close();
    await this.checkpointer?.close();
    if (this.db.open) this.db.close();
  }
}

/** Lower-cases ASCII letters only, as SQLite's lower() does. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}
