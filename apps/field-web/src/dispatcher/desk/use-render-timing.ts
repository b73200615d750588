/**
 * Marks how long the board took from starting a render to its DOM being committed, as a
 * `performance.measure` named `desk-render` (read by bench/src/scenarios/schedule-board.ts and
 * visible in the browser's performance panel). Costs one measure per board read.
 */
import { useLayoutEffect } from 'react';

/** Call at the top of the render; `keys` change when the data shown changes (the jobs, the technicians' lanes). */
export function useRenderTiming(name: string, keys: readonly unknown[], detail: Record<string, number>): void {
  // eslint-disable-next-line react-hooks/purity -- reading the clock during render is the measurement
  const start = performance.now();
  useLayoutEffect(() => {
    performance.measure(name, { start, end: performance.now(), detail });
    // Measured only when the data changes; `start` belongs to that render.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- measured only when the data changes (see above)
  }, keys);
}
