/**
 * What a local doc transaction touched, in a person's terms: "note n1", "checklist item
 * c2", "signature". The pending count groups updates into changes by this target
 * (docs/contracts.md, "Pending changes").
 *
 * A target is `root/elementId` for an element of a root array (its `id` field, or its Yjs
 * item id when it has none), or the root's name for a root map (`meta`, `signature`) and
 * for arrays of plain values (`locations`). A transaction that touches several things has
 * all of them, sorted and space-separated, as one target.
 *
 * Must run in the doc's `afterTransaction` event: by the `update` event Yjs has already
 * garbage-collected deleted elements, and a removed line item could no longer be named.
 */
import * as Y from 'yjs';

/** Any Yjs shared type, as Yjs itself types the keys of `transaction.changed`. */
type SharedType = Y.Transaction['changed'] extends Map<infer Type, unknown> ? Type : never;

/** The target of a transaction that touched nothing we can name. */
export const WHOLE_DOC = 'doc';

/** The things a transaction touched, as one target string. */
export function changeTarget(transaction: Y.Transaction): string {
  const targets = new Set<string>();
  for (const type of transaction.changed.keys()) {
    for (const t of targetsOf(type, transaction)) targets.add(t);
  }
  return targets.size === 0 ? WHOLE_DOC : [...targets].sort().join(' ');
}

function targetsOf(type: SharedType, transaction: Y.Transaction): string[] {
  // Walk up to the element that sits directly in a root type.
  let element = type._item;
  while (element && (element.parent as SharedType)._item !== null) {
    element = (element.parent as SharedType)._item;
  }
  const root = element ? (element.parent as SharedType) : type;
  const name = rootName(root);
  if (element) return [root instanceof Y.Array ? elementTarget(name, element) : name];
  if (!(root instanceof Y.Array)) return [name];
  // The root array itself changed: name the elements inserted or removed in this transaction.
  const touched: string[] = [];
  for (let item = root._start; item; item = item.right) {
    const inserted = item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);
    const removed = item.deleted && Y.isDeleted(transaction.deleteSet, item.id);
    if (inserted || removed) touched.push(elementTarget(name, item));
  }
  return touched.length > 0 ? touched : [name];
}

function elementTarget(root: string, item: Y.Item): string {
  const value: unknown = item.content.getContent()[0];
  if (!(value instanceof Y.AbstractType)) return root; // plain values (location pings) group by root
  // Read the id through the item so that an element removed in this transaction still has it.
  const id: unknown = value._map.get('id')?.content.getContent()[0];
  return typeof id === 'string' ? `${root}/${id}` : `${root}/${item.id.client}:${item.id.clock}`;
}

function rootName(root: SharedType): string {
  for (const [name, type] of root.doc?.share ?? []) if (type === root) return name;
  return WHOLE_DOC;
}
