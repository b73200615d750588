/**
 * @outpost/server: the sync server — HTTP API, websocket relay, storage adapters, op log
 * and auth. `startServer` runs it in-process (tests, CLI). The adapters for scale-out are
 * `@outpost/server/postgres` and `@outpost/server/redis`; the acceptance suites a
 * third-party adapter runs are `@outpost/server/testing` (they import vitest).
 *
 * @module @outpost/server
 */
export { startServer, type RunningServer, type ServerOptions } from './app';
export { DEFAULT_LOGIN_LIMITS, type LoginLimits } from './auth/login-throttle';
export { hashPassword, verifyPassword } from './auth/password';
export { issueToken, verifyToken, type Principal } from './auth/token';
export { LocalBus, type Bus, type BusEvent, type Unsubscribe } from './bus/bus';
export { createJob, type NewJob } from './jobs/create';
export { type JobSummary, type PrimingPayload } from './jobs/summary';
export { demoAuth } from './hooks/demo-auth';
export type { AuthRequest, JobAction, ServerHooks } from './hooks/server-hooks';
export { HandoverService, type HandoverAnswer, type HandoverDeps } from './handover/service';
export { type OpResult } from './ops/service';
export { ReferenceData } from './reference/reference-data';
export { DEFAULT_LIMITS, type RelayLimits } from './relay/context';
export { DEMO_PASSWORD, seedDemo } from './seed/demo';
export { buildOpEntry, checkDeviceSeq, type LoggedVerdict } from './store/op-entry';
export { migrateSqlite, SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION, type SqliteMigration } from './store/sqlite/migrations';
export { SqliteStore, type SqliteStoreOptions } from './store/sqlite/sqlite-store';
export { DURABILITY_LEVELS } from './store/store';
export type {
  ApplyOpOutcome,
  BlobRecord,
  BlobStore,
  CustomerRecord,
  Directory,
  DocLog,
  Durability,
  EquipmentFilter,
  EquipmentRecord,
  HandoverFilter,
  HandoverRecord,
  HandoverStore,
  JobFilter,
  JobRecord,
  JobUpdate,
  OpAttempt,
  OpLog,
  OpLogEntry,
  OpVerdict,
  PricebookItem,
  RemovalRecord,
  SearchPage,
  Store,
  StoredJobDoc,
  UserRecord,
} from './store/store';
