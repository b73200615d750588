/**
 * Finds the field writes of one Yjs update: which entry and which field each new item
 * and each newly deleted item touches, so ownership.ts can judge them per field.
 *
 * A decoded item names its parent only sometimes (a root name, or the ID of the type it
 * sits in); otherwise its parent and map key are those of its left or right neighbour. So
 * each item is placed by walking to a struct that says, through the update's own items
 * first and then `doc`, the receiving copy of the job. Items the job already holds, and
 * items the update itself deletes (a value overwritten twice offline), are not writes.
 */
import * as Y from 'yjs';
import type { FieldWrite } from './ownership';
import { FIELD_RULES } from './ownership';
import { JOB_ROOTS } from './schema';
import { byClient, findIn, firstEndingAfter, isId, MAX_HOPS, rootKeyOfType, type DecodedUpdate, type Struct } from './structs';

/** Where an item sits: a root, the entry of a root array (by item id), the field in it. */
interface Place {
  root: string;
  /** The entry's item (decoded or stored), for items in or of a root array. */
  entry?: Y.Item;
  /** The map key: of a root map, or of the entry; null for an entry itself. */
  key: string | null;
  /** Inside a shared type held by the field (text typed into a note). */
  nested: boolean;
}

/** The parent an item hangs in: a root by name, or the item of a nested type; and its key. */
type Context = { root: string; sub: string | null } | { type: Y.Item; sub: string | null };

/** Unplaceable: '' for collected content (no write), undefined for what nobody has (classifyUpdate refuses those). */
type Unplaced = '' | undefined;

const entryKey = (item: Y.Item) => `${item.id.client}:${item.id.clock}`;
const SHARED_TYPE = Object.freeze({ sharedType: true });

function valueOf(item: Y.Item): unknown {
  if (item.content instanceof Y.ContentType) return SHARED_TYPE;
  return item.content.getContent()[0];
}

/**
 * Where a keystroke's type sits, per integrated type item, as `placeOf` finds it for the
 * type of a decoded item (depth 1): an integrated type never moves, so its place is found
 * once, not at every keystroke typed into it (`continuation`).
 */
const typePlaces = new WeakMap<Y.Item, Place | Unplaced>();

/** Places items of one update against one doc. */
export class FieldWriteFinder {
  private readonly own: Map<number, Struct[]>;
  private readonly contexts = new Map<Y.Item, Context | Unplaced>();
  private readonly places = new Map<Y.Item, Place | Unplaced>();

  /** `own`: the update's structs per client (`byClient`), when the caller already has them. */
  constructor(
    private readonly update: DecodedUpdate,
    private readonly doc: Y.Doc | undefined,
    own?: Map<number, Struct[]>,
  ) {
    this.own = own ?? byClient(update.structs);
  }

  /** Every field write of the update, in struct order then deletions. */
  writes(): FieldWrite[] {
    const out: FieldWrite[] = [];
    for (const s of this.update.structs) {
      if (!(s instanceof Y.Item) || s.content instanceof Y.ContentDeleted || this.stored(s) || this.deletedHere(s.id)) continue;
      const place = this.placeOf(s);
      if (place) this.newWrite(s, place, out);
    }
    for (const [client, ranges] of this.update.ds.clients) {
      const stored = (this.doc?.store.clients.get(client) ?? []) as Struct[];
      for (const { clock, len } of ranges) {
        for (let i = firstEndingAfter(stored, clock); i < stored.length && stored[i]!.id.clock < clock + len; i++) {
          const s = stored[i]!;
          if (s instanceof Y.Item && !s.deleted) this.removal(s, out);
        }
      }
    }
    return out;
  }

  /**
   * The field writes of a keystroke (`continuedItem`, structs.ts): `item` hangs where `prev`,
   * its origin and its client's last item in the doc, hangs, as `writes` would walk to; the
   * place of the type they sit in is kept across updates (`typePlaces`).
   */
  continuation(item: Y.Item, prev: Y.Item): FieldWrite[] {
    const context = this.contextOfType(prev.parent as Y.AbstractType<unknown>, prev.parentSub);
    const place = this.placeIn(context, item, (type) => {
      if (!typePlaces.has(type)) typePlaces.set(type, this.placeOf(type, 1));
      return typePlaces.get(type);
    });
    const out: FieldWrite[] = [];
    if (place) this.newWrite(item, place, out);
    return out;
  }

  private newWrite(item: Y.Item, place: Place, out: FieldWrite[]): void {
    const { root, entry, key } = place;
    if (!entry) {
      out.push({ at: 'key', root, key: key ?? '#', value: place.nested ? SHARED_TYPE : valueOf(item), deleted: false });
    } else if (key === null) {
      const c = item.content;
      const shape = c instanceof Y.ContentType ? (c.type instanceof Y.Map ? 'map' : 'other') : c instanceof Y.ContentAny ? 'values' : 'other';
      out.push({ at: 'insert', root, entry: entryKey(entry), shape, values: shape === 'values' ? c.getContent() : undefined });
    } else {
      const isNew = !this.stored(entry);
      out.push({
        at: 'field',
        root,
        entry: entryKey(entry),
        isNew,
        author: isNew ? undefined : this.authorOf(root, entry),
        key,
        value: place.nested ? undefined : valueOf(item),
        deleted: false,
        nested: place.nested,
      });
    }
  }

  private removal(item: Y.Item, out: FieldWrite[]): void {
    const place = this.placeOf(item);
    if (!place) return;
    const { root, entry, key } = place;
    if (!entry) return void out.push({ at: 'key', root, key: key ?? '#', deleted: true });
    if (key === null) {
      const values = item.content instanceof Y.ContentAny ? item.content.getContent() : [undefined];
      for (const v of values) out.push({ at: 'remove', root, entry: entryKey(entry), author: v === undefined ? this.authorOf(root, entry) : this.authorOfValue(root, v) });
      return;
    }
    // Fields of an entry removed by the same update go with it: the removal is what is judged.
    if (entry.deleted || this.deletedHere(entry.id)) return;
    out.push({ at: 'field', root, entry: entryKey(entry), isNew: false, author: this.authorOf(root, entry), key, deleted: true, nested: place.nested });
  }

  /** The author of a stored entry, as the job holds it. */
  private authorOf(root: string, entry: Y.Item): unknown {
    const field = (FIELD_RULES[root as keyof typeof FIELD_RULES] as { author?: string } | undefined)?.author;
    const stored = this.storedItem(entry.id) ?? entry;
    const type = stored.content instanceof Y.ContentType ? stored.content.type : undefined;
    if (field === undefined || !(type instanceof Y.Map) || type.doc === null) return undefined;
    return type.get(field);
  }

  private authorOfValue(root: string, value: unknown): unknown {
    const field = (FIELD_RULES[root as keyof typeof FIELD_RULES] as { author?: string } | undefined)?.author;
    return field !== undefined && typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[field] : undefined;
  }

  private storedItem(id: Y.ID): Y.Item | undefined {
    const s = findIn(this.doc?.store.clients.get(id.client) as Struct[] | undefined, id.clock);
    return s instanceof Y.Item ? s : undefined;
  }

  /** True when `doc` already holds this struct (integrated items count as stored). */
  private stored(item: Y.Item): boolean {
    if (item.parent instanceof Y.AbstractType) return true;
    const structs = this.doc?.store.clients.get(item.id.client);
    const last = structs?.[structs.length - 1];
    return last !== undefined && last.id.clock + last.length >= item.id.clock + item.length;
  }

  /** True when the update's own delete set covers `id` (its ranges are sorted by clock). */
  private deletedHere(id: Y.ID): boolean {
    const ranges = this.update.ds.clients.get(id.client) ?? [];
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const { clock, len } = ranges[mid]!;
      if (id.clock < clock) hi = mid - 1;
      else if (id.clock >= clock + len) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** A struct by id: the update's own items first, then the doc's; '' for collected content. */
  private lookup(id: Y.ID): Y.Item | Unplaced {
    const own = findIn(this.own.get(id.client), id.clock);
    if (own instanceof Y.Item) return own;
    if (own instanceof Y.GC) return '';
    const stored = findIn(this.doc?.store.clients.get(id.client) as Struct[] | undefined, id.clock);
    if (stored instanceof Y.Item) return stored;
    if (stored instanceof Y.GC) return '';
    return undefined;
  }

  /** The parent context of an item; walks neighbour chains (typing makes long ones) with memo. */
  private contextOf(item: Y.Item): Context | Unplaced {
    const chain: Y.Item[] = [];
    let current: Y.Item | Unplaced = item;
    let found: Context | Unplaced;
    for (;;) {
      if (current === undefined || current === '') {
        found = current;
        break;
      }
      if (this.contexts.has(current)) {
        found = this.contexts.get(current);
        break;
      }
      if (chain.length > MAX_HOPS) {
        found = undefined; // an absurd chain: forged structure
        break;
      }
      chain.push(current);
      const parent = current.parent as Y.AbstractType<unknown> | Y.ID | string | null;
      if (typeof parent === 'string') found = { root: parent, sub: current.parentSub };
      else if (parent instanceof Y.AbstractType) found = this.contextOfType(parent, current.parentSub);
      else if (isId(parent)) {
        const type = this.lookup(parent);
        found = type ? { type, sub: current.parentSub } : type;
      } else {
        const next: Y.ID | null = current.origin ?? current.rightOrigin;
        current = next ? this.lookup(next) : undefined;
        if (current instanceof Y.Item && chain.includes(current)) current = undefined; // a cycle: forged
        continue;
      }
      break;
    }
    for (const visited of chain) this.contexts.set(visited, found);
    return found;
  }

  private contextOfType(type: Y.AbstractType<unknown>, sub: string | null): Context | Unplaced {
    if (type._item) return { type: type._item, sub };
    const root = rootKeyOfType(type);
    return root === undefined ? undefined : { root, sub };
  }

  /** Where an item sits, through its parent types up to the root (depth-bounded). */
  private placeOf(item: Y.Item, depth = 0): Place | Unplaced {
    if (this.places.has(item)) return this.places.get(item);
    const context = this.contextOf(item);
    // Types nested that deep: forged structure.
    const place = depth > 64 ? undefined : this.placeIn(context, item, (type) => this.placeOf(type, depth + 1));
    this.places.set(item, place);
    return place;
  }

  /** Where an item in `context` sits; `placeOfType` places the item of the type it hangs in. */
  private placeIn(context: Context | Unplaced, item: Y.Item, placeOfType: (type: Y.Item) => Place | Unplaced): Place | Unplaced {
    if (!context) return context;
    if ('root' in context) {
      const isList = JOB_ROOTS[context.root as keyof typeof JOB_ROOTS] === 'array';
      return isList ? { root: context.root, entry: item, key: null, nested: false } : { root: context.root, key: context.sub, nested: false };
    }
    const holder = placeOfType(context.type);
    if (!holder) return holder;
    if (holder.entry && holder.key === null) return { root: holder.root, entry: holder.entry, key: context.sub ?? '#', nested: false };
    return { ...holder, nested: true };
  }
}
