/**
 * A dispatcher's reschedule is a write of `meta.windowStart` / `meta.windowEnd` in the job
 * doc (an office-owned field, so it syncs and queues offline like any other doc change).
 * The jobs row keeps its own copy of the window for the technician's day list, priming
 * and the board; once the doc change is committed, the node that took it copies the
 * window into the row (docs/decisions.md, "A reschedule is a meta write").
 */
import type * as Y from 'yjs';
import type { Directory } from '../store/store';

/** The window a job's meta holds, or null when it is missing or not a valid window. */
export function metaWindow(doc: Y.Doc): { windowStart: string; windowEnd: string } | null {
  const meta = doc.getMap('meta');
  const start = meta.get('windowStart');
  const end = meta.get('windowEnd');
  if (typeof start !== 'string' || typeof end !== 'string') return null;
  const s = Date.parse(start);
  const e = Date.parse(end);
  if (!Number.isFinite(s) || !Number.isFinite(e) || e <= s) return null;
  return { windowStart: new Date(s).toISOString(), windowEnd: new Date(e).toISOString() };
}

/** Whether a meta event moved the window. */
export function movesWindow(event: Y.YMapEvent<unknown>): boolean {
  return event.keysChanged.has('windowStart') || event.keysChanged.has('windowEnd');
}

/** Copies the doc's window into the jobs row; a window that is not one is logged, not stored. */
export async function mirrorWindow(store: Directory, jobId: string, doc: Y.Doc): Promise<void> {
  const window = metaWindow(doc);
  if (!window) {
    console.warn(`[outpost] job ${jobId}: meta window is not a valid window; the jobs row keeps its own`);
    return;
  }
  await store.setJobWindow(jobId, window.windowStart, window.windowEnd);
}
