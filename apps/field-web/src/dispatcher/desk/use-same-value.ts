/**
 * The previous value while a new one is equal in content: a board read every few seconds
 * that brings nothing new then re-renders nothing (and shifts nothing).
 */
import { useRef } from 'react';

/** `value`, or the last one when both serialise the same. */
export function useSameValue<T>(value: T): T {
  const last = useRef<{ input: T; value: T; json: string } | null>(null);
  // A render-time cache read and written during render on purpose: the value handed out must be
  // the same object in this very render (a state + effect would render once more per change).
  /* eslint-disable react-hooks/refs -- see the comment above */
  // Serialised only when a new value comes in, not on every render of the board.
  if (last.current?.input === value) return last.current.value;
  const json = JSON.stringify(value);
  last.current = last.current?.json === json ? { ...last.current, input: value } : { input: value, value, json };
  return last.current.value;
  /* eslint-enable react-hooks/refs */
}
