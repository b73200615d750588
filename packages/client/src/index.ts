/**
 * @outpost/client: the device side of Outpost — job docs kept in IndexedDB and merged
 * through the relay, a truthful pending count, the outbox of workflow ops, the blob queue,
 * priming, storage safety and tabs. React hooks live in `@outpost/client/react`.
 *
 * @module @outpost/client
 */
export { createOutpost, OutpostEngine, type OutpostEvents, type OutpostOptions } from './engine/outpost';
export { warmUpJobCodec, WARM_UP_DECODES } from './engine/codec-warm-up';
export type { DrainedEvent } from './engine/status-board';
export type { HandoverStatus, JobAccess } from './handover/job-access';
export type { JobHandle } from './jobs/job-store';
export { summarizeMerge, type MergeSummary } from './jobs/merge-summary';
export type { OutboxApi } from './outbox/outbox-actions';
export type { OpResult, OutboxItem, OutboxLists, OutboxState } from './outbox/outbox';
export { ATTEMPTS_PER_DRAIN } from './outbox/drain';
export { groupConflicts, groupOf, isBackwards, lastAskedStep, type ConflictGroup } from './outbox/conflict-groups';
export { CHANGE_WORDS, listContentChanges, type ChangeKind, type ChangeRecord, type ContentChange } from './outbox/change-list';
export type { ChangeLists, SentChange } from './outbox/change-feed';
export type { BlobsApi } from './blobs/photo-desk';
export type { UnsentBlob } from './blobs/blob-queue';
export { drainInBackground, uploadedCount, type BackgroundDrainOptions, type BackgroundReport } from './background/background-drain';
export { newUuid, sha256Hex } from './ids/device-crypto';
export { LOCATION_INTERVAL_MS, LocationRecorder, tracksLocation, type LocationRecorderOptions, type PositionSource } from './location/location-recorder';
export type { Customer, Equipment, JobSummary, PricebookItem, Priming, PrimingState } from './priming/priming';
export { storageWarning, unsavedWarning, type StorageState, type StorageWatch } from './storage/storage-watch';
export type { UnsyncedExport } from './engine/export-unsynced';
export { syncStatusOf, type StatusInputs, type SyncStatus } from './sync/sync-status';
export { backoffDelay, type BackoffPolicy } from './sync/backoff';
export {
  FLAG_AFTER_ATTEMPTS,
  RETRY_DELAYS_MS,
  RETRY_EVERY_MS,
  failureAfter,
  failureKind,
  isDue,
  isFlagged,
  isTransient,
  retryDelay,
  type AttemptFailure,
  type FailureKind,
} from './sync/retry-schedule';
export type { User } from './sync/session';
export type { WebSocketLike } from './sync/job-connection';
export { DeviceChannel, type DeviceChannelOptions } from './sync/device-channel';
export { jobShard, ShardedChannels } from './sync/channel-shards';
export { socketLinks, type JobLink, type JobLinks, type LinkEvents } from './sync/job-link';
export type { Watchable } from './observable';
