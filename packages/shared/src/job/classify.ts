/**
 * Classifies a Yjs update by the root types it writes, so the relay can refuse updates
 * that touch the server-owned `server` map or a root the job schema does not have.
 *
 * An update names the root of an item only when the item has no neighbours; otherwise
 * the parent is inferred from its left or right origin, or it is an ID of a nested type.
 * So roots are resolved against the update's own items first and then against `doc`,
 * the receiving copy of the job. Deletions count as writes, except of items already
 * deleted (every sync step 2 repeats the sender's whole delete set). Within the client
 * roots, ownership is per field: see ownership.ts and field-writes.ts.
 */
import * as Y from 'yjs';
import { OutpostError } from '../errors';
import { FieldWriteFinder } from './field-writes';
import { judgeWrites, type FieldRefusal, type Writer } from './ownership';
import { isClientRoot, SERVER_ROOT } from './schema';
import { byClient, continuedItem, findIn, firstEndingAfter, isId, MAX_HOPS, rootKeyOfType, type DecodedUpdate, type Struct } from './structs';

/** The verdict on one update; a field refusal's detail names the field. */
export type UpdateClass =
  | { ok: true; roots: string[] }
  | { ok: false; code: 'server_owned' | 'unknown_root' | 'unresolved_update' | 'bad_message' | FieldRefusal['code']; roots: string[]; detail: string };

type Parent = Y.AbstractType<unknown> | Y.ID | string | null;

/** Marks an item whose root is being resolved: meeting it again on the same walk is a cycle. */
const WALKING = Symbol('walking');

class RootResolver {
  /** Resolved roots of the update's items: typing one character at a time makes long origin chains. */
  private readonly memo = new Map<Y.Item, string | undefined | typeof WALKING>();

  /** `own`: the update's own structs per client, in clock order (as decodeUpdate yields them). */
  constructor(
    private readonly own: Map<number, Struct[]>,
    private readonly doc: Y.Doc | undefined,
  ) {}

  private docStructs(client: number): (Y.Item | Y.GC)[] | undefined {
    return this.doc?.store.clients.get(client) as (Y.Item | Y.GC)[] | undefined;
  }

  /** The struct holding `id`: an item of the update (to walk on), a root key, '' for collected content, or undefined. */
  private lookup(id: Y.ID): Y.Item | string | undefined {
    const own = findIn(this.own.get(id.client), id.clock);
    if (own instanceof Y.Item) return own;
    if (own instanceof Y.GC) return '';
    const known = findIn(this.docStructs(id.client), id.clock);
    if (known instanceof Y.Item) return known.parent instanceof Y.AbstractType ? rootKeyOfType(known.parent) : '';
    if (known instanceof Y.GC) return '';
    return undefined;
  }

  /** One step up from a decoded item: its root's name, or the struct its parent is taken from. */
  private step(item: Y.Item): Y.Item | string | undefined {
    const parent = item.parent as Parent;
    if (typeof parent === 'string') return parent;
    const next = isId(parent) ? parent : (item.origin ?? item.rightOrigin);
    return next ? this.lookup(next) : undefined;
  }

  /** Root key of an item decoded from the update (not integrated); undefined if it cannot be resolved. */
  rootOfDecoded(item: Y.Item): string | undefined {
    // Items on this walk are marked in the memo (no set per item: most walks are one step).
    const chain: Y.Item[] = [];
    let current: Y.Item | string | undefined = item;
    while (current instanceof Y.Item) {
      if (this.memo.has(current)) {
        const known = this.memo.get(current);
        current = known === WALKING ? undefined : known; // met again on this walk: a cycle, forged structure
        break;
      }
      if (chain.length > MAX_HOPS) {
        current = undefined; // an absurd chain: forged structure
        break;
      }
      chain.push(current);
      this.memo.set(current, WALKING);
      current = this.step(current);
    }
    const root = current as string | undefined;
    for (const visited of chain) this.memo.set(visited, root);
    return root;
  }

  /** True when `doc` already holds every clock of this struct. */
  known(s: Y.Item | Y.GC | Y.Skip): boolean {
    const structs = this.docStructs(s.id.client);
    const last = structs?.[structs.length - 1];
    return last !== undefined && last.id.clock + last.length >= s.id.clock + s.length;
  }

  /** Adds the roots of items a delete range would newly delete (undefined for clocks nobody has). */
  deletedRoots(client: number, clock: number, len: number, out: Set<string | undefined>): void {
    const end = clock + len;
    const own = this.own.get(client) ?? [];
    for (let i = firstEndingAfter(own, clock); i < own.length && own[i]!.id.clock < end; i++) {
      const s = own[i]!;
      // Items the doc already holds are judged below, by whether the doc still has them live.
      if (s instanceof Y.Item && !this.known(s)) out.add(this.rootOfDecoded(s));
    }
    const inDoc = this.docStructs(client) ?? [];
    const lastDoc = inDoc[inDoc.length - 1];
    const lastOwn = own[own.length - 1];
    const known = Math.max(lastDoc ? lastDoc.id.clock + lastDoc.length : 0, lastOwn ? lastOwn.id.clock + lastOwn.length : 0);
    if (end > known) out.add(undefined);
    for (let i = firstEndingAfter(inDoc, clock); i < inDoc.length && inDoc[i]!.id.clock < end; i++) {
      const s = inDoc[i]!;
      if (s instanceof Y.Item && !s.deleted) out.add(s.parent instanceof Y.AbstractType ? rootKeyOfType(s.parent) : '');
    }
  }
}

/**
 * Decodes an update's structs and delete set (not integrated into any doc), so one
 * decoding serves `classifyUpdate` and the relay's own checks; throws `bad_message` on
 * bytes that are no Yjs update.
 */
export function decodeJobUpdate(update: Uint8Array): DecodedUpdate {
  try {
    return Y.decodeUpdate(update) as unknown as DecodedUpdate;
  } catch (err) {
    throw new OutpostError('bad_message', `not a Yjs update: ${(err as Error).message}`);
  }
}

/**
 * Says which roots an update writes and whether `writer` may send it: no write to the
 * server map or an unknown root, and every field write allowed by the field table
 * (ownership.ts). `doc` is the receiving copy of the job; without it only self-contained
 * updates resolve. `update` may be given already decoded (`decodeJobUpdate`); the decoding
 * is only read.
 */
export function classifyUpdate(update: Uint8Array | DecodedUpdate, doc: Y.Doc | undefined, writer: Writer): UpdateClass {
  let decoded: DecodedUpdate;
  try {
    decoded = update instanceof Uint8Array ? decodeJobUpdate(update) : update;
  } catch (err) {
    return { ok: false, code: 'bad_message', roots: [], detail: (err as Error).message };
  }
  const typed = doc && continuedItem(decoded, doc);
  return typed ? classifyKeystroke(decoded, doc, typed, writer) : classifyByWalk(decoded, doc, writer);
}

/** `classifyUpdate` by walking every item to its root and field (any update; exported for tests). */
export function classifyByWalk(decoded: DecodedUpdate, doc: Y.Doc | undefined, writer: Writer): UpdateClass {
  const own = byClient(decoded.structs);
  const resolver = new RootResolver(own, doc);
  const roots = new Set<string | undefined>();
  for (const s of decoded.structs) {
    if (s instanceof Y.Item && !resolver.known(s)) roots.add(resolver.rootOfDecoded(s));
  }
  for (const [client, ranges] of decoded.ds.clients) {
    for (const { clock, len } of ranges) resolver.deletedRoots(client, clock, len, roots);
  }
  const byRoot = verdict(roots);
  if (!byRoot.ok) return byRoot;
  const refusal = judgeWrites(new FieldWriteFinder(decoded, doc, own).writes(), writer);
  return refusal ? { ok: false, code: refusal.code, roots: byRoot.roots, detail: refusal.detail } : byRoot;
}

/**
 * `classifyUpdate` for a keystroke (`continuedItem`): its one root is that of the type its
 * origin hangs in, as `RootResolver` would find it, and its one field write is placed from
 * there (`FieldWriteFinder.continuation`); the same verdict without the walks.
 */
function classifyKeystroke(decoded: DecodedUpdate, doc: Y.Doc, { item, prev }: { item: Y.Item; prev: Y.Item }, writer: Writer): UpdateClass {
  const byRoot = verdict(new Set([rootKeyOfType(prev.parent as Y.AbstractType<unknown>)]));
  if (!byRoot.ok) return byRoot;
  const refusal = judgeWrites(new FieldWriteFinder(decoded, doc, NO_STRUCTS).continuation(item, prev), writer);
  return refusal ? { ok: false, code: refusal.code, roots: byRoot.roots, detail: refusal.detail } : byRoot;
}

/** A keystroke's finder looks up none of the update's own structs. */
const NO_STRUCTS: Map<number, Struct[]> = new Map();

function verdict(found: Set<string | undefined>): UpdateClass {
  const roots = [...found].filter((r): r is string => r !== undefined && r !== '').sort();
  if (roots.includes(SERVER_ROOT)) {
    return { ok: false, code: 'server_owned', roots, detail: 'the update writes the server-owned "server" map' };
  }
  const unknown = roots.filter((r) => !isClientRoot(r));
  if (unknown.length > 0) {
    return { ok: false, code: 'unknown_root', roots, detail: `the update writes unknown root type(s): ${unknown.join(', ')}` };
  }
  if (found.has(undefined)) {
    return { ok: false, code: 'unresolved_update', roots, detail: 'the update refers to items the server does not have' };
  }
  return { ok: true, roots };
}
