/**
 * @outpost/server: the sync server — HTTP API, websocket relay, storage adapters, op log
 * and auth. `startServer` runs it in-process (tests, CLI). The adapter acceptance suites
 * live in store/acceptance.ts and bus/acceptance.ts (they import vitest, so not exported here).
 */
export { LocalBus, type Bus, type BusEvent, type Unsubscribe } from './bus/bus';
export { buildOpEntry, checkDeviceSeq } from './store/op-entry';
export { SqliteStore } from './store/sqlite/sqlite-store';
export type {
  ApplyOpOutcome,
  BlobRecord,
  CustomerRecord,
  EquipmentFilter,
  EquipmentRecord,
  JobFilter,
  JobRecord,
  JobUpdate,
  OpAttempt,
  OpLogEntry,
  OpVerdict,
  PricebookItem,
  Store,
  StoredJobDoc,
  UserRecord,
} from './store/store';
