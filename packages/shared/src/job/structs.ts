/**
 * Lookups over Yjs structs shared by classify.ts and field-writes.ts: an update's decoded
 * structs are not integrated, so their parents are names, IDs, or inferred from neighbours.
 */
import * as Y from 'yjs';

/** A decoded or stored struct. */
export type Struct = Y.Item | Y.GC | Y.Skip;

/** Longest walk accepted along parents or neighbours; longer means forged structure. */
export const MAX_HOPS = 10_000;

/** True for a Yjs ID (a decoded item's parent or origin). */
export function isId(p: unknown): p is Y.ID {
  return typeof p === 'object' && p !== null && 'client' in p && 'clock' in p;
}

/** Root types' keys, each found once (a root never changes its key; classification asks per item). */
const rootKeys = new WeakMap<Y.AbstractType<unknown>, string>();

/** The root key of an integrated type, or undefined when it hangs under no root. */
export function rootKeyOfType(type: Y.AbstractType<unknown>): string | undefined {
  let t = type;
  for (let hops = 0; t._item !== null && hops < MAX_HOPS; hops++) {
    const parent = t._item.parent;
    if (!(parent instanceof Y.AbstractType)) return undefined;
    t = parent;
  }
  const known = rootKeys.get(t);
  if (known !== undefined) return known;
  for (const [key, value] of t.doc?.share ?? []) {
    if (value !== t) continue;
    rootKeys.set(t, key);
    return key;
  }
  return undefined;
}

/** The struct holding `clock` in a clock-ordered list, by binary search. */
export function findIn(structs: readonly Struct[] | undefined, clock: number): Struct | undefined {
  if (!structs || structs.length === 0) return undefined;
  let lo = 0;
  let hi = structs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = structs[mid]!;
    if (clock < s.id.clock) hi = mid - 1;
    else if (clock >= s.id.clock + s.length) lo = mid + 1;
    else return s;
  }
  return undefined;
}

/** Index of the first struct that ends after `clock` (structs sorted by clock). */
export function firstEndingAfter(structs: readonly Struct[], clock: number): number {
  let lo = 0;
  let hi = structs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const s = structs[mid]!;
    if (s.id.clock + s.length <= clock) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** An update's structs per client, in clock order (as decodeUpdate yields them). */
export function byClient(structs: readonly Struct[]): Map<number, Struct[]> {
  const own = new Map<number, Struct[]>();
  for (const s of structs) {
    const list = own.get(s.id.client);
    if (list) list.push(s);
    else own.set(s.id.client, [s]);
  }
  return own;
}

/**
 * The update a device sends most, a keystroke: one new item whose origin is its client's
 * last item in `doc` (the character before it), deleting nothing. Such an item hangs in the
 * same type, under the same key, as that item (Yjs takes a decoded item's parent from its
 * origin), so it is judged from that item's place without a walk. Undefined for anything
 * else: several structs, deletions, content already deleted, an origin that is not the
 * client's last item, or one the doc does not hold as an item of a type (collected content).
 */
export function continuedItem(update: DecodedUpdate, doc: Y.Doc): { item: Y.Item; prev: Y.Item } | undefined {
  if (update.structs.length !== 1 || update.ds.clients.size !== 0) return undefined;
  const item = update.structs[0];
  if (!(item instanceof Y.Item) || item.content instanceof Y.ContentDeleted) return undefined;
  const { origin, id } = item;
  if (origin === null || origin.client !== id.client || origin.clock !== id.clock - 1) return undefined;
  const structs = doc.store.clients.get(id.client);
  const prev = structs?.[structs.length - 1];
  if (!(prev instanceof Y.Item) || prev.id.clock + prev.length !== id.clock || !(prev.parent instanceof Y.AbstractType)) return undefined;
  return { item, prev };
}

/** A decoded update: its structs and delete set. */
export interface DecodedUpdate {
  structs: Struct[];
  ds: { clients: Map<number, { clock: number; len: number }[]> };
}
