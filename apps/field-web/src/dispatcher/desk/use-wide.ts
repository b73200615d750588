/** Whether the screen is wide enough for the schedule board (the phone layout stays below). */
import { useSyncExternalStore } from 'react';

/** The width from which dispatchers get the schedule board. */
export const WIDE_QUERY = '(min-width: 1024px)';

function subscribe(listener: () => void): () => void {
  const query = window.matchMedia(WIDE_QUERY);
  query.addEventListener('change', listener);
  return () => query.removeEventListener('change', listener);
}

/** True on screens at least 1024 px wide; follows resizes. */
export function useWide(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(WIDE_QUERY).matches,
    () => false,
  );
}
