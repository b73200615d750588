/**
 * Merging a job's stored log into one update, shared by every adapter's compaction and by
 * the cold load (compaction.ts), so neither re-implements it.
 *
 * `Y.mergeUpdates` over many small updates grows much faster than linearly (10,000
 * keystrokes: about a second), and applying them to a Y.Doc one by one is worse (a
 * snapshot of 10,000 actions plus 350 keystrokes: over a second). Merging in small groups,
 * then the groups, keeps it to a few milliseconds per thousand updates.
 *
 *   const merged = mergeJobLog(snapshot, updates)
 *   Y.applyUpdate(doc, merged) // same doc as applying the snapshot and every update in order
 */
import * as Y from 'yjs';
import type { StoredJobDoc } from './store';

/** Updates merged per call; measured best between 32 and 128 for field-work logs. */
const GROUP = 64;

/** Merges small updates (in stored order) into one: in groups, then the groups. */
function mergeLog(updates: readonly Uint8Array[]): Uint8Array {
  let level = updates as Uint8Array[];
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < level.length; i += GROUP) {
      const group = level.slice(i, i + GROUP);
      next.push(group.length === 1 ? group[0]! : Y.mergeUpdates(group));
    }
    level = next;
  }
  return level[0]!;
}

/**
 * Merges a snapshot and the updates stored after it into one equivalent update. The log
 * is merged first and then joined to the snapshot in one more merge: merging a large
 * snapshot together with many small updates costs several times more.
 */
export function mergeJobLog(snapshot: Uint8Array | null, updates: readonly Uint8Array[]): Uint8Array {
  if (updates.length === 0) return snapshot ?? Y.encodeStateAsUpdate(new Y.Doc());
  const log = mergeLog(updates);
  return snapshot ? Y.mergeUpdates([snapshot, log]) : log;
}

/**
 * The vector of the snapshot with the merged log applied, from the snapshot's kept vector
 * and the (small) log alone, so the large snapshot is not read a second time: a client's
 * clock moves to the end of its log structs while they continue its run without a gap.
 * Never ahead of the doc's true vector (which would make a device hold back changes the
 * server lacks); behind it only for a log with gaps, and then a device resends a little.
 */
export function vectorAfterLog(snapshotVector: Uint8Array, log: Uint8Array): Uint8Array {
  const vector = Y.decodeStateVector(snapshotVector);
  const stuck = new Set<number>();
  // decodeUpdate keeps Skip structs (gaps) and lists each client's structs by clock.
  for (const struct of Y.decodeUpdate(log).structs) {
    const { client, clock } = struct.id;
    const next = vector.get(client) ?? 0;
    if (stuck.has(client) || struct instanceof Y.Skip || clock > next) {
      stuck.add(client);
      continue;
    }
    vector.set(client, Math.max(next, clock + struct.length));
  }
  return Y.encodeStateVector(vector);
}

/**
 * The stored doc as one snapshot with its state vector and no updates: what a cold job
 * needs to answer sync from the stored bytes (`Y.diffUpdate`) and to build its doc with a
 * single apply. An empty job stays empty.
 */
export function mergeStoredJobDoc(stored: StoredJobDoc): StoredJobDoc {
  const { snapshot, updates, snapshotStateVector } = stored;
  if (updates.length === 0) {
    if (!snapshot || snapshotStateVector) return stored;
    return { ...stored, snapshotStateVector: Y.encodeStateVectorFromUpdate(snapshot) };
  }
  const log = mergeLog(updates);
  if (!snapshot) return { snapshot: log, updates: [], snapshotStateVector: Y.encodeStateVectorFromUpdate(log) };
  const merged = Y.mergeUpdates([snapshot, log]);
  const vector = snapshotStateVector ? vectorAfterLog(snapshotStateVector, log) : Y.encodeStateVectorFromUpdate(merged);
  return { snapshot: merged, updates: [], snapshotStateVector: vector };
}

/**
 * The stored doc as at most two parts for a cold open: the snapshot as stored (with its
 * state vector) and the log behind it merged into one update (`updates`, empty or one).
 * Only the log is read: the snapshot is never merged on the open path, since that is a
 * full pass over the job's whole history (about 20–40 ms for 10,000 actions). The room
 * answers sync from both parts (`RestingDoc`) and the vector of the whole doc follows from
 * the snapshot's vector and the merged log (`vectorAfterLog`). A job with no snapshot
 * yet gets its merged log as the snapshot.
 */
export function foldStoredLog(stored: StoredJobDoc): StoredJobDoc {
  const { snapshot, updates, snapshotStateVector } = stored;
  if (!snapshot || updates.length === 0) return mergeStoredJobDoc(stored);
  // A snapshot stored before vectors were kept is read once for its vector.
  const vector = snapshotStateVector ?? Y.encodeStateVectorFromUpdate(snapshot);
  return { snapshot, updates: [mergeLog(updates)], snapshotStateVector: vector };
}
