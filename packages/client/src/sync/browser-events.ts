/**
 * What the browser tells the page about the network and the page's life: `online` and
 * `offline` (hints only: the engine never trusts them to decide what is synced), and
 * `pagehide` (the tab is going away). A no-op outside a browser.
 */

/** Handlers for the browser's hints. */
export interface BrowserHints {
  online(): void;
  offline(): void;
  leaving(): void;
}

/** Listens to the browser's hints; returns the function that stops listening. */
export function watchBrowser(hints: BrowserHints): () => void {
  const w = globalThis as unknown as {
    addEventListener?: (type: string, listener: () => void) => void;
    removeEventListener?: (type: string, listener: () => void) => void;
    document?: unknown;
  };
  if (!w.addEventListener || !w.document) return () => undefined;
  const pairs: [string, () => void][] = [
    ['online', () => hints.online()],
    ['offline', () => hints.offline()],
    ['pagehide', () => hints.leaving()],
  ];
  for (const [type, listener] of pairs) w.addEventListener(type, listener);
  return () => {
    for (const [type, listener] of pairs) w.removeEventListener?.(type, listener);
  };
}
