/**
 * Detects a second copy of yjs in the process. Two copies break Outpost silently:
 * `classifyUpdate` and Yjs itself decide with `instanceof` (Item, GC, AbstractType), and a
 * struct made by the other copy fails every such check. Yjs marks itself loaded on
 * `globalThis['__ $YJS$ __']` and prints a terse line when it finds the mark already set;
 * this guard watches that mark and, on a second copy, logs an error naming the fix.
 *
 * It sees every copy loaded after @outpost/shared; a copy loaded before it is reported by
 * Yjs's own line only. Installed once per process (state kept on globalThis), so a module
 * graph evaluated twice (test isolation, hot reload) does not count its own copy twice.
 */

/** The global mark Yjs sets when it is evaluated (yjs/src/index.js). */
const YJS_MARK = '__ $YJS$ __';
const GUARD = Symbol.for('@outpost/shared/yjs-guard');

/** What is logged when a second copy of yjs loads. */
export const SECOND_YJS_MESSAGE =
  '[outpost] A second copy of yjs was loaded into this process. Outpost and Yjs check structs with `instanceof`, ' +
  'so documents made by one copy are misjudged by the other (updates refused or let through, merges broken). ' +
  'Fix: install exactly one yjs. @outpost/shared and @outpost/client take yjs as a peer dependency; find the extra ' +
  'copy with `npm ls yjs` (or `pnpm why yjs`), align the versions or dedupe (`npm dedupe`, `overrides`), and do not ' +
  "mix require('yjs') with import 'yjs' (CommonJS and ES module builds are two copies).";

interface GuardState {
  copies: number;
}

type GuardedGlobal = typeof globalThis & { [GUARD]?: GuardState; [YJS_MARK]?: unknown };

function install(): GuardState {
  const glo = globalThis as GuardedGlobal;
  const existing = glo[GUARD];
  if (existing) return existing;
  const state: GuardState = { copies: glo[YJS_MARK] === true ? 1 : 0 };
  glo[GUARD] = state;
  Object.defineProperty(glo, YJS_MARK, {
    configurable: true,
    get: () => state.copies > 0,
    // Each copy of yjs sets the mark once while it is evaluated.
    set: (value: unknown) => {
      if (value !== true) return;
      state.copies += 1;
      if (state.copies > 1) console.error(SECOND_YJS_MESSAGE);
    },
  });
  return state;
}

const state = install();

/** How many copies of yjs this process has loaded, as far as the guard saw; more than 1 is a broken install. */
export function yjsCopiesLoaded(): number {
  return state.copies;
}
