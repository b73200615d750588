/**
 * Compaction policy, above the adapters (every `Store` only folds its log on request):
 * a job opened from storage with a log behind its snapshot — left by a process that was
 * killed before it could compact, or written by other nodes — is answered from the
 * snapshot as stored plus the log merged in memory (two parts, never one merge of the
 * whole history on the open path), and the stored log is folded into a snapshot in the
 * background, so the next cold open reads one snapshot with its state vector. While a job
 * is loaded the relay compacts every `compactAfterUpdates` updates, when it goes quiet,
 * and on unload.
 *
 *   const stored = await loadJobDocMerged(store, jobId) // snapshot + its vector, the log as at most one update
 */
import { foldStoredLog } from './job-doc-merge';
import type { Store, StoredJobDoc } from './store';

/**
 * How long after a cold load its log is compacted: after the first socket's answer and
 * the doc's build (relay/job-room.ts builds 100 ms after loading at the latest), so the
 * compaction's merge and disk flush never hold up either.
 */
export const COMPACT_AFTER_LOAD_MS = 200;

/**
 * Loads a job doc as its snapshot (with the snapshot's state vector) and the log behind it
 * merged into at most one update (see `foldStoredLog`) and, when storage held updates
 * behind the snapshot, compacts them in the background.
 * A failed compaction is logged; the log stays as it was and is merged again next time.
 */
export async function loadJobDocMerged(store: Store, jobId: string): Promise<StoredJobDoc> {
  const stored = await store.loadJobDoc(jobId);
  const folded = foldStoredLog(stored);
  // Counted from after the merge: a slow merge must not leave the timer due before the
  // first socket is answered.
  if (stored.updates.length > 0) {
    const timer = setTimeout(() => {
      store.compactJobDoc(jobId).catch((err: unknown) => console.warn(`[outpost] compaction after loading ${jobId} failed: ${(err as Error).message}`));
    }, COMPACT_AFTER_LOAD_MS);
    // A server stopping within the delay leaves the log for the next load.
    timer.unref();
  }
  return folded;
}
