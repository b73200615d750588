/**
 * Whether a device's update would integrate into the doc completely. Yjs keeps structs
 * that follow a gap in their client's clock, or refer to items the doc lacks, as *pending*
 * in the doc's store (deletions of unknown items likewise) until what they need arrives.
 * Those never reach storage, so acking them would lie; and pending state in the doc is
 * shared with other nodes' updates arriving over the bus, which may rightly wait there.
 * So a device's update is judged before it is applied, from its own decoding and the doc's
 * state vector, and the doc's store is never touched.
 */
import type { DecodedUpdate } from '@outpost/shared';
import * as Y from 'yjs';

/** True when applying the update (decoded once, by `decodeJobUpdate`) to `doc` would leave nothing pending. */
export function appliesFully({ structs, ds }: DecodedUpdate, doc: Y.Doc): boolean {
  // How far each client's clock reaches once the update's own structs are in.
  const reach = new Map<number, number>();
  const reached = (client: number) => reach.get(client) ?? Y.getState(doc.store, client);
  for (const s of structs) {
    if (s instanceof Y.Skip) continue; // a hole in the update: the struct after it starts past `reached`
    if (s.id.clock > reached(s.id.client)) return false;
    reach.set(s.id.client, Math.max(reached(s.id.client), s.id.clock + s.length));
  }
  const known = (id: Y.ID | null) => id === null || id.clock < reached(id.client);
  for (const s of structs) {
    if (!(s instanceof Y.Item)) continue;
    if (!known(s.origin) || !known(s.rightOrigin)) return false;
    const parent = s.parent as unknown;
    if (parent instanceof Y.ID && !known(parent)) return false;
  }
  for (const [client, ranges] of ds.clients) {
    for (const { clock, len } of ranges) if (clock + len > reached(client)) return false;
  }
  return true;
}

/**
 * True when applying `update` to `doc` would change nothing: every struct it carries the
 * doc already holds, and every deletion is of items the doc already deleted. A device's
 * step 2 answering the server's step 1 is usually that (the server lacks nothing; the
 * device repeats its whole delete set): the relay acks it without judging or applying it.
 */
export function bringsNothing(update: DecodedUpdate, doc: Y.Doc): boolean {
  for (const s of update.structs) {
    if (s instanceof Y.Skip) continue;
    if (s.id.clock + s.length > Y.getState(doc.store, s.id.client)) return false;
  }
  for (const [client, ranges] of update.ds.clients) {
    const structs = doc.store.clients.get(client) as (Y.Item | Y.GC)[] | undefined;
    for (const { clock, len } of ranges) {
      if (len === 0) continue;
      if (!structs || clock + len > Y.getState(doc.store, client)) return false;
      for (let i = Y.findIndexSS(structs, clock); i < structs.length && structs[i]!.id.clock < clock + len; i++) {
        if (!structs[i]!.deleted) return false;
      }
    }
  }
  return true;
}
