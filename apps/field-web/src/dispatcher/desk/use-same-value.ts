/**
 * The previous value while a new one is equal in content: a board read every few seconds
 * that brings nothing new then re-renders nothing (and shifts nothing).
 */
import { useRef } from 'react';

/** `value`, or the last one when both serialise the same. */
export function useSameValue<T>(value: T): T {
  const last = useRef<{ value: T; json: string } | null>(null);
  const json = JSON.stringify(value);
  // A render-time cache read and written during render on purpose: the value handed out must be
  // the same object in this very render (a state + effect would render once more per change).
  /* eslint-disable react-hooks/refs -- see the comment above */
  if (last.current?.json !== json) last.current = { value, json };
  return last.current.value;
  /* eslint-enable react-hooks/refs */
}
