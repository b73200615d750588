/**
 * A textarea bound to a note's Y.Text. Local typing becomes a minimal splice (so two
 * people typing at once both keep their words) and remote edits move the caret with the
 * text around it instead of throwing it to the end.
 */
import { useEffect, useRef } from 'react';
import * as Y from 'yjs';
import { diffText, moveCaret, type TextDelta } from './text-diff';

const LOCAL = Symbol('local note edit');

/** Props of {@link CollaborativeNote}. */
export interface CollaborativeNoteProps {
  text: Y.Text;
  label: string;
  /** Called with true on focus and false on blur, to tell others who is editing. */
  onEditing?: (editing: boolean) => void;
}

/** Collaborative editor for one note. */
export function CollaborativeNote({ text, label, onEditing }: CollaborativeNoteProps) {
  const ref = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    const area = ref.current;
    if (!area) return;
    area.value = text.toString();
    const onRemote = (event: Y.YTextEvent, tx: Y.Transaction) => {
      if (tx.origin === LOCAL) return;
      const focused = document.activeElement === area;
      const delta = event.delta as TextDelta;
      const start = moveCaret(area.selectionStart, delta);
      const end = moveCaret(area.selectionEnd, delta);
      area.value = text.toString();
      if (focused) area.setSelectionRange(start, end);
    };
    text.observe(onRemote);
    return () => text.unobserve(onRemote);
  }, [text]);

  const onInput = () => {
    const area = ref.current;
    if (!area) return;
    const splice = diffText(text.toString(), area.value, area.selectionEnd);
    if (!splice || !text.doc) return;
    text.doc.transact(() => {
      if (splice.remove > 0) text.delete(splice.index, splice.remove);
      if (splice.insert) text.insert(splice.index, splice.insert);
    }, LOCAL);
  };

  return <textarea ref={ref} aria-label={label} defaultValue={text.toString()} onInput={onInput} onFocus={() => onEditing?.(true)} onBlur={() => onEditing?.(false)} spellCheck />;
}
