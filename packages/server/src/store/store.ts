/**
 * The `Store`: everything the server keeps, made of parts a third-party adapter can
 * implement and test one at a time (issue 19, item 2): `DocLog` (job docs), `OpLog` (the
 * workflow op log), `Directory` (users, jobs, reference data), `BlobStore` (photos,
 * signatures) and `HandoverStore`. Every adapter (SQLite, Postgres) implements the whole
 * `Store` and passes each part's acceptance suite (`@outpost/server/testing`). All
 * methods are async because networked adapters are.
 *
 * Three kinds of data live here:
 * - job docs: an append-only log of Yjs updates per job, folded into a snapshot by
 *   `compactJobDoc`. `appendUpdates` commits a batch spanning many jobs in ONE
 *   transaction (group commit): the relay acks only after it resolves.
 * - the workflow op log: `applyOp` runs dedupe, device ordering, the decision and the
 *   append in one transaction, holding a lock on the job so two server nodes can never
 *   both apply an op at the same version.
 * - reference data: users, jobs, customers, equipment, pricebook, blobs.
 */
import type { Customer, Equipment, JobStatus, OpKind, PricebookItem, Role, ServerState } from '@outpost/shared';
import type { BlobChunkStore } from './blob-chunk-store';
import type { HandoverStore } from './handover-store';

export type { BlobChunkInfo, BlobChunkStore, BlobUploadState, OpenBlobUpload } from './blob-chunk-store';
export type { HandoverFilter, HandoverRecord, HandoverStore, RemovalRecord } from './handover-store';

/**
 * How far an acked commit is pushed to disk (`--durability`, `OUTPOST_DURABILITY`):
 * - `full` (default): the commit is flushed to stable storage before it resolves, so a
 *   durable ack survives the machine losing power or the kernel crashing (SQLite
 *   `synchronous = FULL`; Postgres `synchronous_commit` at least `on`).
 * - `process`: the commit survives the server process dying (SIGKILL, OOM, a crash), not
 *   power loss or a kernel crash, which can lose the last acked commits (SQLite
 *   `synchronous = NORMAL`; Postgres `synchronous_commit = off`). Faster; a choice.
 */
export type Durability = 'full' | 'process';

/** Every `Durability`, in the order the CLI lists them. */
export const DURABILITY_LEVELS: readonly Durability[] = ['full', 'process'];

/** One Yjs update to append to a job's log. */
export interface JobUpdate {
  jobId: string;
  update: Uint8Array;
}

/** What is stored for a job doc: the snapshot (if compacted) and the updates since, in order. */
export interface StoredJobDoc {
  snapshot: Uint8Array | null;
  updates: Uint8Array[];
  /** The snapshot's Yjs state vector, when the adapter kept it (saves decoding the snapshot). */
  snapshotStateVector?: Uint8Array | null;
}

/** A loaded doc's whole state, handed to `compactJobDoc`. */
export interface JobDocState {
  /** `Y.encodeStateAsUpdate(doc)`. */
  update: Uint8Array;
  /** `Y.encodeStateVector(doc)`. */
  stateVector: Uint8Array;
}

/** A user account. `passwordHash` is `scrypt$<salt b64>$<hash b64>` (see auth/password.ts). */
export interface UserRecord {
  id: string;
  username: string;
  name: string;
  role: Role;
  passwordHash: string;
}

/** A job as the server knows it: the dispatcher's facts plus its workflow state. */
export interface JobRecord extends ServerState {
  id: string;
  title: string;
  customerId: string;
  siteAddress: string;
  windowStart: string;
  windowEnd: string;
  createdAt: string;
}

/** A customer (the shape devices receive, `@outpost/shared`). */
export type CustomerRecord = Customer;

/** One page of a search: up to `limit` entries after the id `after`, matching `q` (empty: all). */
export interface SearchPage {
  q: string;
  after?: string;
  limit: number;
}

/** A piece of equipment at a customer's site, linked to the jobs that service it. */
export type EquipmentRecord = Equipment;

export type { PricebookItem };

/** A stored blob (photo, signature image), addressed by the sha256 of its bytes. */
export interface BlobRecord {
  bytes: Uint8Array;
  contentType: string;
}

/** An op as received, with the actor from the token and the server's receive time. */
export interface OpAttempt {
  opId: string;
  jobId: string;
  deviceId: string;
  deviceSeq: number;
  actor: string;
  kind: OpKind;
  to: JobStatus | null;
  assignees: string[] | null;
  override: boolean;
  occurredAt: string;
  receivedAt: string;
}

/**
 * The verdict `applyOp`'s callback returns for the locked job state. `refused` is for an
 * actor who may not act on the job at all (not assigned, wrong role): nothing is written,
 * not even the device's seq, so a stranger's attempts leave no trace in the job's history.
 */
export type OpVerdict =
  | { outcome: 'applied'; state: ServerState; changed: boolean; review: boolean }
  | { outcome: 'rejected'; code: string; message: string }
  | { outcome: 'refused'; code: string; message: string };

/**
 * One row of a job's op log (its audit history). `seq` numbers a job's ops from 1.
 * `status`, `version`, `assignees`, `changedBy`, `changedAt` are the job's state right
 * after this op (for a rejected op: the unchanged state it was rejected against).
 */
export interface OpLogEntry {
  seq: number;
  opId: string;
  jobId: string;
  deviceId: string;
  deviceSeq: number;
  actor: string;
  kind: OpKind;
  to: JobStatus | null;
  assignees: string[];
  occurredAt: string;
  receivedAt: string;
  outcome: 'applied' | 'rejected';
  /** Error code of a rejected op; null when applied. */
  code: string | null;
  message: string | null;
  status: JobStatus;
  version: number;
  /** Whether this applied op moved the job (false for a no-op such as a repeated transition). */
  changed: boolean;
  /** An override resubmission, applied and flagged for dispatcher review. */
  review: boolean;
  override: boolean;
  changedBy: string | null;
  changedAt: string | null;
  /** What the op asked for (assign ops); `assignees` above is the resulting state. */
  requestedAssignees: string[] | null;
}

/** What `applyOp` did. */
export type ApplyOpOutcome =
  /** The opId was already in the log: nothing changed; the first entry is returned. */
  | { kind: 'duplicate'; entry: OpLogEntry }
  /** The op was decided and appended (applied or rejected); its deviceSeq is consumed. */
  | { kind: 'recorded'; entry: OpLogEntry }
  /** `deviceSeq` is ahead of the next expected one: an earlier op has not arrived yet. */
  | { kind: 'out_of_order'; expectedSeq: number }
  /** `deviceSeq` was already used by a different op from this device. */
  | { kind: 'seq_reused'; expectedSeq: number }
  /** No such job; the deviceSeq is consumed so the device's later ops are not stuck. */
  | { kind: 'job_not_found' }
  /** The verdict was `refused`: nothing was written and the deviceSeq is not consumed. */
  | { kind: 'refused'; code: string; message: string };

/** Filter for listing jobs. Window bounds are ISO strings; a job matches when its window overlaps. */
export interface JobFilter {
  assignee?: string;
  customerId?: string;
  from?: string;
  to?: string;
  /**
   * Leaves out closed jobs (completed, cancelled) whose window ended at or before this ISO
   * instant: every open job whatever its window, and the closed ones that ended since or
   * lie ahead. A deployment's history grows without end; its open work does not.
   */
  closedAfter?: string;
}

/** Filter for listing equipment. */
export interface EquipmentFilter {
  jobId?: string;
  /** Equipment on any of these jobs. */
  jobIds?: readonly string[];
  customerId?: string;
  ids?: string[];
}

/** Job docs: an append-only log of Yjs updates per job, with its snapshot (see the module comment). */
export interface DocLog {
  /** Appends updates (possibly for many jobs) in one transaction; resolves once committed. */
  appendUpdates(batch: readonly JobUpdate[]): Promise<void>;
  /** A job doc's snapshot and the updates appended since, in append order. */
  loadJobDoc(jobId: string): Promise<StoredJobDoc>;
  /** Number of updates appended since the last snapshot. */
  countJobUpdates(jobId: string): Promise<number>;
  /**
   * Jobs with updates stored behind their snapshot, in id order: at start-up, the logs a
   * killed process left (a clean stop compacts every loaded job), folded before the first
   * device asks (store/leftover-logs.ts).
   */
  listJobsWithLog(): Promise<string[]>;
  /**
   * Folds the snapshot and all updates into a new snapshot (`Y.mergeUpdates`) in one
   * transaction; updates appended concurrently are kept. The merged doc is unchanged.
   *
   * `docState`, when given, is the caller's whole doc (see `JobDocState`) and holds
   * every update stored for the job when the call is made (the single node's loaded doc).
   * An adapter may store it as the snapshot instead of merging the log: a live doc encodes
   * merged runs of items, so the snapshot is smaller, faster to load, and costs no merge.
   * Adapters shared by several nodes store it only when it holds the whole merged log
   * (store/doc-coverage.ts: another node's update may be missing from it).
   * After `close` it does nothing (the log stays as stored, folded on a later open).
   */
  compactJobDoc(jobId: string, docState?: JobDocState): Promise<void>;
}

/** The workflow op log: dedupe, device ordering, the decision and the append, per job. */
export interface OpLog {
  /**
   * Records one workflow op atomically: returns the stored entry for a known opId; checks
   * that `deviceSeq` is the next one of the actor on that device (sequences are kept per
   * (actor, deviceId), so nobody can consume another user's numbers by naming their
   * device; a first op has seq 1, across all jobs); locks the job, calls `decide` with its
   * current state, appends the entry and, when applied, stores the new job state. A
   * `refused` verdict writes nothing.
   * `decide` is synchronous and may be called more than once if a transaction retries.
   */
  applyOp(attempt: OpAttempt, decide: (state: ServerState) => OpVerdict): Promise<ApplyOpOutcome>;
  /** A job's op log in order. */
  listOps(jobId: string): Promise<OpLogEntry[]>;
  /** The op with this id, if any. */
  getOp(opId: string): Promise<OpLogEntry | null>;
  /**
   * Applied override ops (flagged for dispatcher review) that no dispatcher has
   * acknowledged yet, in log order per job.
   */
  listUnacknowledgedReviews(): Promise<OpLogEntry[]>;
  /** Marks a review op as seen by `by` (a dispatcher) at `at`; repeating it changes nothing. */
  acknowledgeReview(opId: string, jobId: string, by: string, at: string): Promise<void>;
}

/** Users, jobs and the reference data devices are primed with. */
export interface Directory {
  /** Creates or replaces a user. */
  putUser(user: UserRecord): Promise<void>;
  getUser(id: string): Promise<UserRecord | null>;
  getUserByUsername(username: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;

  /** Creates a job; throws if the id exists. */
  createJob(job: JobRecord): Promise<void>;
  getJob(id: string): Promise<JobRecord | null>;
  /**
   * Moves a job's window (a dispatcher's reschedule, mirrored from the doc's meta: see
   * relay/window-mirror.ts). False when no such job exists.
   */
  setJobWindow(id: string, windowStart: string, windowEnd: string): Promise<boolean>;
  /** Jobs matching the filter, ordered by window start then id. */
  listJobs(filter?: JobFilter): Promise<JobRecord[]>;
  /** The highest N among the job ids `job-N` (0 when there is none): where new job numbers count on from. */
  highestJobNumber(): Promise<number>;

  putCustomer(customer: CustomerRecord): Promise<void>;
  /** One page of customers whose name, phone, email or address contains `q` (any case), by id. */
  searchCustomers(page: SearchPage): Promise<CustomerRecord[]>;
  getCustomer(id: string): Promise<CustomerRecord | null>;
  listCustomers(ids?: readonly string[]): Promise<CustomerRecord[]>;

  putEquipment(equipment: EquipmentRecord): Promise<void>;
  /** Equipment matching the filter, ordered by id. */
  listEquipment(filter?: EquipmentFilter): Promise<EquipmentRecord[]>;

  putPricebookItems(items: readonly PricebookItem[]): Promise<void>;
  /** The whole pricebook, ordered by id. */
  listPricebook(): Promise<PricebookItem[]>;
  /** One page of pricebook items, inactive ones too, whose sku, description or category contains `q`, by id. */
  searchPricebook(page: SearchPage): Promise<PricebookItem[]>;
}

/** Blobs (photos, signature images), addressed by the sha256 of their bytes. */
export interface BlobStore {
  /**
   * Stores a blob; true when it was new, false when that sha256 was already stored.
   * `uploadedBy` is remembered (durably, with the bytes) for every upload, new or repeated.
   */
  putBlob(sha256: string, blob: BlobRecord, uploadedBy?: string): Promise<boolean>;
  getBlob(sha256: string): Promise<BlobRecord | null>;
  /** Whether a blob with that sha256 is stored, without reading its bytes. */
  hasBlob(sha256: string): Promise<boolean>;
  /** Whether `userId` ever uploaded that blob. */
  blobUploadedBy(sha256: string, userId: string): Promise<boolean>;
}

/**
 * Where the server keeps everything: all the parts (see the module comment). An interface
 * extending the parts rather than a list of methods, so code written against `Store` keeps
 * compiling and a component can ask for just the part it uses.
 */
export interface Store extends DocLog, OpLog, Directory, BlobStore, HandoverStore, BlobChunkStore {
  /**
   * How commits are made durable, as the live database connection reports it (e.g.
   * `SQLite synchronous = FULL`), for the start-up log and tests. Optional for adapters.
   */
  commitDurability?(): Promise<string>;

  /** Releases connections and file handles. */
  close(): Promise<void>;
}
