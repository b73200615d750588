/**
 * Compaction policy, above the adapters (every `Store` only folds its log on request):
 * a job opened from storage with a log behind its snapshot — left by a process that was
 * killed before it could compact, or written by other nodes — is answered from the
 * snapshot as stored plus the log merged in memory (two parts, never one merge of the
 * whole history on the open path), and the relay folds the stored log into a snapshot
 * `COMPACT_AFTER_LOAD_MS` later (storing its built doc's encoding), so the next cold open
 * reads one snapshot with its state vector. While a job
 * is loaded the relay compacts every `compactAfterUpdates` updates, when it goes quiet,
 * and on unload.
 *
 *   const stored = await loadJobDocMerged(store, jobId) // snapshot + its vector, the log as at most one update
 */
import { foldStoredLog } from './job-doc-merge';
import type { DocLog, StoredJobDoc } from './store';

/**
 * How long after a cold load its log is compacted (relay/room-registry.ts): after the
 * first socket's answer and the doc's build (relay/job-room.ts builds 100 ms after loading
 * at the latest), so the compaction never holds up either and can store the built doc's
 * own encoding instead of merging the whole history again.
 */
export const COMPACT_AFTER_LOAD_MS = 200;

/** A job doc as loaded for the relay: folded (see `foldStoredLog`), and how long its log was. */
export interface LoadedJobDoc extends StoredJobDoc {
  /** Updates storage held behind the snapshot: the caller compacts a job that had any. */
  logRows: number;
}

/**
 * Loads a job doc as its snapshot (with the snapshot's state vector) and the log behind it
 * merged into at most one update (see `foldStoredLog`). The caller compacts a job whose
 * `logRows` is not 0 once it has built the doc.
 */
export async function loadJobDocMerged(store: DocLog, jobId: string): Promise<LoadedJobDoc> {
  const stored = await store.loadJobDoc(jobId);
  return { ...foldStoredLog(stored), logRows: stored.updates.length };
}
