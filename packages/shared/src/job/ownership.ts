/**
 * Who may write what in a job document: ownership per field, not per root. The office
 * (dispatchers; the server writes without asking) defines a job — its meta, its checklist
 * items with their labels and whether they are required. Devices fill it in, and every
 * entry they add names its author, which must be the writer. The field table below is the
 * one record of these rules (docs/contracts.md "Field ownership" mirrors it);
 * `judgeWrites` applies it to the writes `classifyUpdate` found in one update.
 *
 * Pure: no Yjs here. field-writes.ts turns an update into `FieldWrite`s.
 */
import type { Role } from '../status/machine';
import type { JobRoot } from './schema';

/**
 * How a field of an entry may be written.
 * - `office`: only dispatchers, at any time (checklist label, required);
 * - `fixed`: set by whoever adds the entry, never changed afterwards (note createdAt, photo id);
 * - `author`: set at creation, changed later only by the entry's author or the office (photo caption, time end);
 * - `open`: anyone on the job, at any time (a note's collaborative text, a line item's qty);
 * - `stamped`: anyone on the job, and the same update must set the entry's stamp field to the writer (a tick).
 */
export type FieldRule = 'office' | 'fixed' | 'author' | 'open' | 'stamped';

/** The rules of one root array whose entries are maps (or, for `values`, plain objects). */
export interface EntryRules {
  entries: 'maps' | 'values';
  /** Who may add an entry: `office`, or `anyone` on the job. */
  insert: 'office' | 'anyone';
  /** Who may remove an entry: `office` only, its `author` (and the office), or `anyone`. */
  remove: 'office' | 'author' | 'anyone';
  /** The field naming who made the entry; set at creation to the writer, never changed. */
  author?: string;
  /** The field a `stamped` write must set to the writer (or null when it undoes the stamp). */
  stamp?: string;
  fields: Readonly<Record<string, FieldRule>>;
}

/** The rules of one root map. `stamp`: the key every write must set to the writer. */
export interface MapRules {
  entries: 'keys';
  /** `office`: every key is the office's; `anyone`: only the listed keys, by anyone on the job. */
  writer: 'office' | 'anyone';
  /** `writer`: every key is a user id, and only that user writes it (read marks). */
  keyedBy?: 'writer';
  stamp?: string;
  fields?: Readonly<Record<string, FieldRule>>;
}

/** The field table: every client root of the job document. */
export const FIELD_RULES: Readonly<Record<Exclude<JobRoot, 'server'>, EntryRules | MapRules>> = {
  meta: { entries: 'keys', writer: 'office' },
  checklist: {
    entries: 'maps',
    insert: 'office',
    remove: 'office',
    stamp: 'doneBy',
    fields: { id: 'office', label: 'office', required: 'office', done: 'stamped', doneBy: 'stamped', doneAt: 'stamped' },
  },
  notes: {
    entries: 'maps',
    insert: 'anyone',
    remove: 'author',
    author: 'author',
    fields: { id: 'fixed', author: 'fixed', createdAt: 'fixed', text: 'open' },
  },
  photos: {
    entries: 'maps',
    insert: 'anyone',
    remove: 'author',
    author: 'by',
    fields: { id: 'fixed', kind: 'fixed', mime: 'fixed', bytes: 'fixed', takenAt: 'fixed', by: 'fixed', caption: 'author' },
  },
  signature: {
    entries: 'keys',
    writer: 'anyone',
    stamp: 'by',
    fields: { blob: 'stamped', signer: 'stamped', signedAt: 'stamped', by: 'stamped' },
  },
  time: {
    entries: 'maps',
    insert: 'anyone',
    remove: 'author',
    author: 'tech',
    fields: { id: 'fixed', tech: 'fixed', start: 'fixed', kind: 'fixed', end: 'author' },
  },
  refrigerant: {
    entries: 'maps',
    insert: 'anyone',
    remove: 'author',
    author: 'by',
    fields: { id: 'fixed', refrigerant: 'fixed', action: 'fixed', amountOz: 'fixed', cylinder: 'fixed', at: 'fixed', by: 'fixed' },
  },
  lineItems: {
    entries: 'maps',
    insert: 'anyone',
    remove: 'anyone',
    fields: { id: 'fixed', pricebookId: 'fixed', description: 'fixed', unitPriceCents: 'fixed', qty: 'open' },
  },
  locations: { entries: 'values', insert: 'anyone', remove: 'author', author: 'tech', fields: {} },
  // A message is said once: nobody edits it afterwards, only the office may take one down.
  messages: {
    entries: 'maps',
    insert: 'anyone',
    remove: 'office',
    author: 'author',
    fields: { id: 'fixed', author: 'fixed', text: 'fixed', at: 'fixed' },
  },
  messageReads: { entries: 'keys', writer: 'anyone', keyedBy: 'writer' },
};

/** The user writing an update, from their token. */
export interface Writer {
  userId: string;
  role: Role;
}

/** One write an update makes, as field-writes.ts finds it (or a test observes it). */
export type FieldWrite =
  /** A key of a root map set (`value`) or deleted. */
  | { at: 'key'; root: string; key: string; value?: unknown; deleted: boolean }
  /** An entry added to a root array: a map (its keys come as `field` writes) or plain `values`. */
  | { at: 'insert'; root: string; entry: string; shape: 'map' | 'values' | 'other'; values?: unknown[] }
  /** An entry the job held removed; `author` is its author field as the job holds it. */
  | { at: 'remove'; root: string; entry: string; author: unknown }
  /** A field of an entry set, deleted, or edited inside (`nested`: text typed into a note). */
  | { at: 'field'; root: string; entry: string; isNew: boolean; author: unknown; key: string; value?: unknown; deleted: boolean; nested: boolean };

/** Why a write is refused; each names the field. */
export type FieldRefusal = { code: 'office_field' | 'wrong_author' | 'not_author' | 'bad_field'; detail: string };

const isOffice = (w: Writer) => w.role === 'dispatcher';
const shown = (v: unknown) => (typeof v === 'string' ? `"${v}"` : v === undefined ? 'nothing' : (JSON.stringify(v) ?? String(v)));

type KeyWrite = Extract<FieldWrite, { at: 'key' }>;
type FieldOfEntry = Extract<FieldWrite, { at: 'field' }>;

/**
 * The writes of one update, indexed once: a write is judged beside the others of its entry
 * (an author field, a stamp), and looking them up by a scan of all writes made judging an
 * update quadratic in its size (4,000 new notes in one 442 KB frame took 0.56 s of the event
 * loop, 16,000 took 4.6 s). Indexed at the first look-up: most updates (a keystroke, a
 * quantity) are judged without one.
 */
class UpdateWrites {
  private index: { fields: Map<string, FieldOfEntry[]>; keys: Map<string, KeyWrite[]> } | null = null;

  constructor(private readonly all: readonly FieldWrite[]) {}

  private indexed(): { fields: Map<string, FieldOfEntry[]>; keys: Map<string, KeyWrite[]> } {
    if (this.index) return this.index;
    const index = { fields: new Map<string, FieldOfEntry[]>(), keys: new Map<string, KeyWrite[]>() };
    for (const w of this.all) {
      if (w.at === 'field') push(index.fields, w.entry, w);
      else if (w.at === 'key') push(index.keys, w.root, w);
    }
    return (this.index = index);
  }

  /** The field writes of one entry, in update order. */
  ofEntry(entry: string): readonly FieldOfEntry[] {
    return this.indexed().fields.get(entry) ?? [];
  }

  /** The key writes of one root map, in update order. */
  ofRoot(root: string): readonly KeyWrite[] {
    return this.indexed().keys.get(root) ?? [];
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// Names for refusals, built only when one is made: judging allows almost every write, and a
// name per write was a tenth of the judging's time.
const entryName = (w: { root: string; entry: string }) => `${w.root}[${w.entry}]`;
const fieldName = (w: FieldOfEntry) => `${entryName(w)}.${w.key}`;

/** Judges every write of one update; the first refusal, or null when all are allowed. */
export function judgeWrites(writes: readonly FieldWrite[], writer: Writer): FieldRefusal | null {
  const all = new UpdateWrites(writes);
  for (const w of writes) {
    const refusal = judgeOne(w, writer, all);
    if (refusal) return refusal;
  }
  return null;
}

/** Every refusal among the writes of one update (tests compare against an observed diff). */
export function allRefusals(writes: readonly FieldWrite[], writer: Writer): FieldRefusal[] {
  const all = new UpdateWrites(writes);
  return writes.map((w) => judgeOne(w, writer, all)).filter((r): r is FieldRefusal => r !== null);
}

function judgeOne(w: FieldWrite, writer: Writer, all: UpdateWrites): FieldRefusal | null {
  const rules = FIELD_RULES[w.root as keyof typeof FIELD_RULES];
  if (!rules) return null; // other roots are judged by classifyUpdate's root check
  if (rules.entries === 'keys') return w.at === 'key' ? judgeKey(w, rules, writer, all) : { code: 'bad_field', detail: `${w.root} is a map of fields` };
  switch (w.at) {
    case 'key':
      return { code: 'bad_field', detail: `${w.root} is a list of entries, not a map` };
    case 'insert':
      return judgeInsert(w, rules, writer, all);
    case 'remove':
      if (rules.remove === 'anyone' || isOffice(writer)) return null;
      if (rules.remove === 'author' && w.author === writer.userId) return null;
      return rules.remove === 'office'
        ? { code: 'office_field', detail: `only the office removes ${entryName(w)}` }
        : { code: 'not_author', detail: `${entryName(w)} was made by ${shown(w.author)}; only they or the office remove it` };
    case 'field':
      return judgeField(w, rules, writer, all);
  }
}

function judgeKey(w: KeyWrite, rules: MapRules, writer: Writer, all: UpdateWrites): FieldRefusal | null {
  const field = `${w.root}.${w.key}`;
  if (rules.writer === 'office') return isOffice(writer) ? null : { code: 'office_field', detail: `only the office writes ${field}` };
  if (rules.keyedBy === 'writer') return w.key === writer.userId ? null : { code: 'wrong_author', detail: `${field} is ${shown(w.key)}'s own; only they write it` };
  if (!rules.fields || !Object.hasOwn(rules.fields, w.key)) return { code: 'bad_field', detail: `${field} is not a field of the job` };
  if (!rules.stamp) return null;
  const stamp = all.ofRoot(w.root).find((o) => o.key === rules.stamp && !o.deleted);
  if (stamp?.value === writer.userId) return null;
  return { code: 'wrong_author', detail: `${w.root}.${rules.stamp} must name the writer (${writer.userId}), not ${shown(stamp?.value)}` };
}

function judgeInsert(w: Extract<FieldWrite, { at: 'insert' }>, rules: EntryRules, writer: Writer, all: UpdateWrites): FieldRefusal | null {
  if (rules.insert === 'office' && !isOffice(writer)) return { code: 'office_field', detail: `only the office adds entries to ${w.root}` };
  if (w.shape !== (rules.entries === 'maps' ? 'map' : 'values'))
    return { code: 'bad_field', detail: `${entryName(w)} is not a ${rules.entries === 'maps' ? 'map' : 'plain value'}` };
  if (!rules.author) return null;
  if (rules.entries === 'values') {
    const other = (w.values ?? []).find((v) => typeof v !== 'object' || v === null || (v as Record<string, unknown>)[rules.author!] !== writer.userId);
    if (other === undefined) return null;
    const named = typeof other === 'object' && other !== null ? (other as Record<string, unknown>)[rules.author] : other;
    return { code: 'wrong_author', detail: `${entryName(w)}.${rules.author} must name the writer (${writer.userId}), not ${shown(named)}` };
  }
  const author = all.ofEntry(w.entry).find((o) => o.key === rules.author && !o.deleted);
  if (author?.value === writer.userId) return null;
  return { code: 'wrong_author', detail: `${entryName(w)}.${rules.author} must name the writer (${writer.userId}), not ${shown(author?.value)}` };
}

function judgeField(w: FieldOfEntry, rules: EntryRules, writer: Writer, all: UpdateWrites): FieldRefusal | null {
  const rule = rules.fields[w.key];
  if (rule === undefined) return { code: 'bad_field', detail: `${fieldName(w)} is not a field of ${w.root}` };
  if (w.nested && rule !== 'open') return { code: 'bad_field', detail: `${fieldName(w)} holds a plain value` };
  if (rule === 'office') return isOffice(writer) ? null : { code: 'office_field', detail: `only the office writes ${fieldName(w)}` };
  if (w.isNew) return judgeStamp(w, rules, writer, all);
  switch (rule) {
    case 'fixed':
      return { code: 'bad_field', detail: `${fieldName(w)} is set when the entry is made and never changes` };
    case 'author':
      if (isOffice(writer) || w.author === writer.userId) return null;
      return { code: 'not_author', detail: `${fieldName(w)} belongs to ${shown(w.author)}; only they or the office change it` };
    case 'open':
      return null;
    case 'stamped':
      return judgeStamp(w, rules, writer, all);
  }
}

/**
 * A stamped field (a tick) is written together with its stamp, which names the writer —
 * or is cleared along with the rest of the group (an untick: done false, doneAt null).
 */
function judgeStamp(w: FieldOfEntry, rules: EntryRules, writer: Writer, all: UpdateWrites): FieldRefusal | null {
  if (!rules.stamp || rules.fields[w.key] !== 'stamped') return null;
  const group = all.ofEntry(w.entry).filter((o) => rules.fields[o.key] === 'stamped' && !o.deleted);
  const stamp = group.find((o) => o.key === rules.stamp);
  if (stamp?.value === writer.userId) return null;
  if (stamp && stamp.value === null && group.every((o) => o.value === null || o.value === false)) return null;
  return { code: 'wrong_author', detail: `${w.root}[${w.entry}].${rules.stamp} must name the writer (${writer.userId}), not ${shown(stamp?.value)}` };
}
