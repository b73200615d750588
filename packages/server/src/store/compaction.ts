/**
 * Compaction policy, above the adapters (every `Store` only folds its log on request):
 * a job opened from storage with a log behind its snapshot — left by a process that was
 * killed before it could compact, or written by other nodes — is answered from the log
 * merged in memory, and the stored log is folded into a snapshot in the background, so
 * the next cold open reads one snapshot with its state vector. While a job is loaded the
 * relay compacts every `compactAfterUpdates` updates and on unload.
 *
 *   const stored = await loadJobDocMerged(store, jobId) // one snapshot, its state vector, no updates
 */
import { mergeStoredJobDoc } from './job-doc-merge';
import type { Store, StoredJobDoc } from './store';

/**
 * How long after a cold load its log is compacted: after the first socket's answer and
 * the doc's build (relay/job-room.ts builds 100 ms after loading at the latest), so the
 * compaction's merge and disk flush never hold up either.
 */
export const COMPACT_AFTER_LOAD_MS = 200;

/**
 * Loads a job doc merged into one snapshot with its state vector (see `mergeStoredJobDoc`)
 * and, when storage held updates behind the snapshot, compacts them in the background.
 * A failed compaction is logged; the log stays as it was and is merged again next time.
 */
export async function loadJobDocMerged(store: Store, jobId: string): Promise<StoredJobDoc> {
  const stored = await store.loadJobDoc(jobId);
  const merged = mergeStoredJobDoc(stored);
  // Counted from after the merge: a slow merge must not leave the timer due before the
  // first socket is answered.
  if (stored.updates.length > 0) {
    const timer = setTimeout(() => {
      store.compactJobDoc(jobId).catch((err: unknown) => console.warn(`[outpost] compaction after loading ${jobId} failed: ${(err as Error).message}`));
    }, COMPACT_AFTER_LOAD_MS);
    // A server stopping within the delay leaves the log for the next load.
    timer.unref();
  }
  return merged;
}
