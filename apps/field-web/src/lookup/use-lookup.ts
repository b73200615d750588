/**
 * One online look-up (customers, or the full pricebook): a query, the pages read so far and
 * "more". Only with a connection; the downloaded data stays what works offline.
 */
import { useOutpost } from '@outpost/client/react';
import type { LookupPage } from '@outpost/shared';
import { useCallback, useRef, useState } from 'react';

/** The state of a look-up and its actions. */
export interface Lookup<T> {
  items: T[];
  /** True while a page is on its way. */
  busy: boolean;
  /** Why the last page failed, as a person reads it. */
  error: string | null;
  /** True when another page follows. */
  more: boolean;
  /** True once a search ran (an empty list then means "nothing found"). */
  searched: boolean;
  search(q: string): void;
  next(): void;
}

/** A paged look-up at `path` (`/api/customers` or `/api/pricebook/search`). */
export function useLookup<T>(path: string): Lookup<T> {
  const engine = useOutpost();
  const [state, setState] = useState({ items: [] as T[], busy: false, error: null as string | null, cursor: null as string | null, searched: false });
  const query = useRef('');
  /** The newest request: an older answer arriving late is dropped. */
  const latest = useRef(0);

  const load = useCallback(
    (q: string, cursor: string | null) => {
      const n = ++latest.current;
      setState((s) => ({ ...s, busy: true, error: null }));
      const params = new URLSearchParams({ q, limit: '10' });
      if (cursor) params.set('cursor', cursor);
      engine
        .api(`${path}?${params}`)
        .then(async (res) => {
          const body = (await res.json()) as LookupPage<T> & { error?: { message: string } };
          if (!res.ok) throw new Error(body.error?.message ?? `The server answered ${res.status}.`);
          if (n !== latest.current) return;
          setState((s) => ({ items: cursor ? [...s.items, ...body.items] : body.items, busy: false, error: null, cursor: body.nextCursor, searched: true }));
        })
        .catch((error: unknown) => {
          if (n !== latest.current) return;
          setState((s) => ({ ...s, busy: false, error: `Look-up failed: ${(error as Error).message}` }));
        });
    },
    [engine, path],
  );

  return {
    items: state.items,
    busy: state.busy,
    error: state.error,
    more: state.cursor !== null,
    searched: state.searched,
    search: (q) => {
      query.current = q;
      load(q, null);
    },
    next: () => {
      if (state.cursor) load(query.current, state.cursor);
    },
  };
}
