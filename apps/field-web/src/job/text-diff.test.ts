import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { diffText, moveCaret, type TextDelta } from './text-diff';

function apply(text: string, s: ReturnType<typeof diffText>): string {
  if (!s) return text;
  return text.slice(0, s.index) + s.insert + text.slice(s.index + s.remove);
}

describe('note typing as minimal splices', () => {
  it('turns a keystroke into a one-character insert where the caret is', () => {
    expect(diffText('aa', 'aaa', 3)).toEqual({ index: 2, remove: 0, insert: 'a' });
    expect(diffText('aa', 'aaa', 1)).toEqual({ index: 0, remove: 0, insert: 'a' });
    expect(diffText('hello', 'hello world', 11)).toEqual({ index: 5, remove: 0, insert: ' world' });
  });

  it('turns backspace and replacing a selection into the smallest delete', () => {
    expect(diffText('abcd', 'abd', 2)).toEqual({ index: 2, remove: 1, insert: '' });
    expect(diffText('pump is fine', 'pump is broken', 14)).toEqual({ index: 8, remove: 4, insert: 'broken' });
    expect(diffText('same', 'same')).toBeNull();
  });

  it('always reproduces the new text exactly', () => {
    const cases: [string, string, number][] = [
      ['', 'x', 1],
      ['x', '', 0],
      ['aaaa', 'aa', 1],
      ['abcabc', 'abc', 3],
      ['ab', 'ba', 1],
      ['hello', 'help', 4],
    ];
    for (const [before, after, caret] of cases) expect(apply(before, diffText(before, after, caret))).toBe(after);
  });

  it('merges two people typing into the same note at once without losing either', () => {
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.getText('n').insert(0, 'Compressor ');
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    const ta = a.getText('n');
    const tb = b.getText('n');
    const sa = diffText(ta.toString(), 'Compressor hums. ', 17)!;
    ta.insert(sa.index, sa.insert);
    const sb = diffText(tb.toString(), 'Compressor replaced', 19)!;
    tb.insert(sb.index, sb.insert);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
    expect(ta.toString()).toBe(tb.toString());
    expect(ta.toString()).toContain('hums. ');
    expect(ta.toString()).toContain('replaced');
  });
});

describe('caret under remote edits', () => {
  it('moves right when someone inserts before it and stays when they insert after it', () => {
    expect(moveCaret(5, [{ insert: 'ab' }])).toBe(7);
    expect(moveCaret(5, [{ retain: 6 }, { insert: 'ab' }])).toBe(5);
    expect(moveCaret(5, [{ retain: 5 }, { insert: 'ab' }])).toBe(5);
  });

  it('moves left when text before it is deleted, and clamps into a deleted range', () => {
    expect(moveCaret(5, [{ retain: 1 }, { delete: 2 }])).toBe(3);
    expect(moveCaret(5, [{ retain: 3 }, { delete: 5 }])).toBe(3);
    expect(moveCaret(5, [{ retain: 7 }, { delete: 1 }])).toBe(5);
  });

  it('follows a real Yjs delta', () => {
    const doc = new Y.Doc();
    const text = doc.getText('n');
    text.insert(0, 'hello world');
    let delta: TextDelta = [];
    text.observe((e) => (delta = e.delta as TextDelta));
    doc.transact(() => {
      text.delete(0, 5);
      text.insert(0, 'hi');
    });
    expect(moveCaret(8, delta)).toBe(5);
  });
});
