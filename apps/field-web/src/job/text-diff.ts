/**
 * Turning a textarea edit into a minimal change to a shared Y.Text, and keeping a caret in
 * place when someone else's edit lands. Replacing the whole text on each keystroke would
 * make concurrent typing clobber each other; a minimal splice merges character by character.
 */

/** One splice: delete `remove` characters at `index`, then insert `insert` there. */
export interface TextSplice {
  index: number;
  remove: number;
  insert: string;
}

/**
 * The smallest splice turning `before` into `after`. `caret` (where the caret is after
 * the edit) settles ties: typing "a" at the end of "aa" inserts at 2, not at 0.
 */
export function diffText(before: string, after: string, caret = after.length): TextSplice | null {
  if (before === after) return null;
  // The changed region of `after` ends at or right of the caret.
  const maxSuffix = Math.min(before.length, after.length, after.length - Math.max(0, Math.min(caret, after.length)));
  let suffix = 0;
  while (suffix < maxSuffix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  const maxPrefix = Math.min(before.length, after.length) - suffix;
  let prefix = 0;
  while (prefix < maxPrefix && before[prefix] === after[prefix]) prefix++;
  return { index: prefix, remove: before.length - prefix - suffix, insert: after.slice(prefix, after.length - suffix) };
}

/** A Yjs text delta, as in `YTextEvent.delta`. */
export type TextDelta = readonly { retain?: number; insert?: unknown; delete?: number }[];

/**
 * Where a caret at `pos` ends up after a remote change described by `delta`. Text inserted
 * exactly at the caret lands after it, so the local typist keeps their place.
 */
export function moveCaret(pos: number, delta: TextDelta): number {
  let cursor = 0;
  let caret = pos;
  for (const op of delta) {
    if (cursor >= caret) break;
    if (op.retain !== undefined) {
      cursor += op.retain;
    } else if (op.insert !== undefined) {
      const length = typeof op.insert === 'string' ? op.insert.length : 1;
      caret += length;
      cursor += length;
    } else if (op.delete !== undefined) {
      caret -= Math.min(op.delete, caret - cursor);
    }
  }
  return caret;
}
