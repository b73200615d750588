/**
 * Codec warm-up: in an app that just started, the first job a technician opens is decoded
 * by Yjs code the JavaScript engine has not compiled beyond its interpreter yet, and that
 * decode, not IndexedDB, is most of the open (bench/README.md, device open: a 10,000-action
 * job read ~80 ms cold, ~37 ms after a warm-up). So the engine decodes a small sample job
 * a few times in idle time at start-up; the code the real open runs is compiled by the time
 * anyone taps a job. Nothing of any real job is read or kept, and an idle slice never holds
 * up a tap or a frame.
 */
import * as Y from 'yjs';
import { addChecklistItem, addLineItem, addLocation, addNote, noteText, setChecklistDone, setLineItemQty, startTime, stopTime } from '@outpost/shared';

/** Field edits in the sample job: enough structs of each kind for the engine's compiler to take them on. */
const SAMPLE_EDITS = 300;
/** Decodes of the sample (one per idle slice): ten took a 10,000-action open from ~80 to ~37 ms in Chromium. */
export const WARM_UP_DECODES = 10;

/** Runs `work` when the page is idle; returns how to cancel it. */
export type IdleScheduler = (work: () => void) => () => void;

/** The browser's idle callbacks, or a zero timeout where there are none (Node). */
export const whenIdle: IdleScheduler = (work) => {
  if (typeof requestIdleCallback === 'function') {
    const handle = requestIdleCallback(() => work());
    return () => cancelIdleCallback(handle);
  }
  const timer = setTimeout(work, 0);
  return () => clearTimeout(timer);
};

/**
 * A job as a technician's device makes one, as one update: a note typed a key at a time
 * (every keystroke its own transaction, as in the app), line item quantities changed, time
 * entries started and stopped, checklist items ticked, location pings.
 */
export function sampleJobUpdate(edits = SAMPLE_EDITS): Uint8Array {
  const doc = new Y.Doc();
  const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 8, 0, n)).toISOString();
  addNote(doc, { id: 'note', author: 'tech', createdAt: at(0), text: '' });
  for (let i = 0; i < 5; i++) {
    addLineItem(doc, { id: `item-${i}`, pricebookId: `pb-${i}`, description: `Part ${i}`, qty: 1, unitPriceCents: 100 });
    addChecklistItem(doc, { id: `check-${i}`, label: `Step ${i}`, required: true });
  }
  const note = noteText(doc, 'note')!;
  for (let n = 0; n < edits; n++) {
    if (n % 10 === 3) setLineItemQty(doc, `item-${n % 5}`, 1 + (n % 3));
    else if (n % 20 === 7) startTime(doc, { id: `time-${n}`, tech: 'tech', start: at(n), kind: 'work' });
    else if (n % 20 === 17) stopTime(doc, `time-${n - 10}`, at(n));
    else if (n % 50 === 9) setChecklistDone(doc, `check-${Math.floor(n / 50) % 5}`, true, 'tech', at(n));
    else if (n % 50 === 29) addLocation(doc, { tech: 'tech', lat: 51.5, lon: -0.1, accuracy: 10, at: at(n) });
    else if (n % 25 === 13) note.delete(note.length - 1, 1);
    else note.insert(note.length, String.fromCharCode(97 + (n % 26)));
  }
  const update = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return update;
}

/**
 * Decodes a sample job `decodes` times, each in its own idle slice, until done or `signal`
 * aborts; resolves to how many decodes ran.
 */
export function warmUpJobCodec(options: { decodes?: number; signal?: AbortSignal; idle?: IdleScheduler } = {}): Promise<number> {
  const { decodes = WARM_UP_DECODES, signal, idle = whenIdle } = options;
  return new Promise((resolve) => {
    let sample: Uint8Array | null = null;
    let done = 0;
    let cancel: (() => void) | null = null;
    const stop = () => {
      cancel?.();
      cancel = null;
      signal?.removeEventListener('abort', stop);
      resolve(done);
    };
    const slice = () => {
      if (signal?.aborted) return stop();
      cancel = null;
      if (!sample) sample = sampleJobUpdate();
      else {
        const doc = new Y.Doc();
        Y.applyUpdate(doc, sample);
        doc.destroy();
        done++;
      }
      if (done >= decodes) return stop();
      cancel = idle(slice);
    };
    signal?.addEventListener('abort', stop, { once: true });
    cancel = idle(slice);
  });
}
