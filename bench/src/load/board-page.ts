/**
 * What the schedule-board scenario installs in the dispatcher's page before the app's own
 * scripts run (`page.addInitScript(boardProbe, jobs)`), and the readings it takes back:
 *
 * - every long task (PerformanceObserver `longtask`: a main-thread task over 50 ms), with
 *   its start on the page's clock;
 * - when the board first painted with all `jobs` blocks (a requestAnimationFrame loop
 *   counting `[data-testid=desk-block]`, read in the frame after the DOM holds them);
 * - keyboard input to next paint: for each keydown, from the event's timestamp (when the
 *   browser received the key, so time spent queued behind a busy main thread counts) to the
 *   first task after the next animation frame (the frame that shows the change);
 * - when each streamed update became visible (a MutationObserver checking the selectors
 *   the scenario said to expect), on the wall clock so the server side can be compared.
 *
 * The function is serialised into the page: it must not reference anything outside itself.
 */

/** One long task, on the page's clock (ms since navigation start). */
export interface LongTask {
  start: number;
  ms: number;
}

/** What the probe holds on `window.__board`. */
export interface BoardProbe {
  longTasks: LongTask[];
  /** Page clock when the board first painted with all jobs, or null. */
  boardAt: number | null;
  /** Input-to-next-paint of each keydown, ms, with the page time of the key. */
  keys: { at: number; ms: number }[];
  /** Wall-clock time each expected selector first matched, by key. */
  seen: Record<string, number>;
  expect(key: string, selector: string): void;
}

/** Installed with `page.addInitScript(boardProbe, jobs)`. */
export function boardProbe(jobs: number): void {
  const w = window as unknown as { __board: BoardProbe };
  const waiting = new Map<string, string>();
  const probe: BoardProbe = {
    longTasks: [],
    boardAt: null,
    keys: [],
    seen: {},
    expect(key, selector) {
      if (document.querySelector(selector)) probe.seen[key] = Date.now();
      else waiting.set(key, selector);
    },
  };
  w.__board = probe;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, ms: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const count = () => {
    if (document.querySelectorAll('[data-testid=desk-block]').length >= jobs) probe.boardAt = performance.now();
    else requestAnimationFrame(count);
  };
  requestAnimationFrame(count);
  addEventListener(
    'keydown',
    (e) => {
      const at = e.timeStamp;
      requestAnimationFrame(() => setTimeout(() => probe.keys.push({ at, ms: performance.now() - at })));
    },
    true,
  );
  const check = () => {
    for (const [key, selector] of waiting) {
      if (!document.querySelector(selector)) continue;
      probe.seen[key] = Date.now();
      waiting.delete(key);
    }
  };
  addEventListener('DOMContentLoaded', () => {
    new MutationObserver(() => waiting.size && check()).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
}
