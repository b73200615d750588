/**
 * Whether a loaded doc's state (`JobDocState`) already holds everything a stored update
 * does: every struct (its state vector reaches the update's on every client) and every
 * deletion (the update's delete set lies inside the doc's). A store shared by several
 * nodes checks this before storing a node's live encoding as the snapshot in place of the
 * merged log (postgres/job-docs.ts): an update from another node the doc missed fails the
 * check, and the log is merged as before.
 *
 *   if (docHolds(state, merged)) storeSnapshot(state.update, state.stateVector)
 */
import * as Y from 'yjs';
import type { JobDocState } from './store';

interface DeleteRange {
  clock: number;
  len: number;
}

/** The delete set of `update`, per client, without decoding its structs past `stateVector`. */
function deletionsOf(update: Uint8Array, stateVector: Uint8Array): Map<number, DeleteRange[]> {
  // A diff against the update's own vector carries no structs, only the whole delete set.
  return Y.decodeUpdate(Y.diffUpdate(update, stateVector)).ds.clients as Map<number, DeleteRange[]>;
}

/** True when every range of `needed` lies inside the union of `held`. */
function rangesCovered(needed: readonly DeleteRange[], held: readonly DeleteRange[]): boolean {
  const sorted = [...held].sort((a, b) => a.clock - b.clock);
  for (const range of needed) {
    let from = range.clock;
    const to = range.clock + range.len;
    for (const h of sorted) {
      if (h.clock > from) break;
      if (h.clock + h.len > from) from = h.clock + h.len;
      if (from >= to) break;
    }
    if (from < to) return false;
  }
  return true;
}

/** True when `state` holds every struct and deletion of `update`. */
export function docHolds(state: JobDocState, update: Uint8Array): boolean {
  const ours = Y.decodeStateVector(state.stateVector);
  const theirVector = Y.encodeStateVectorFromUpdate(update);
  for (const [client, clock] of Y.decodeStateVector(theirVector)) if ((ours.get(client) ?? 0) < clock) return false;
  const held = deletionsOf(state.update, state.stateVector);
  for (const [client, ranges] of deletionsOf(update, theirVector)) {
    if (ranges.length > 0 && !rangesCovered(ranges, held.get(client) ?? [])) return false;
  }
  return true;
}
