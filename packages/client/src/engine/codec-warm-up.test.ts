import { readJob } from '@outpost/shared';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { sampleJobUpdate, warmUpJobCodec, WARM_UP_DECODES, type IdleScheduler } from './codec-warm-up';

/** An idle scheduler the test runs by hand: each `run()` is one idle slice. */
function handIdle(): { idle: IdleScheduler; waiting: () => number; run: () => void } {
  let queued: (() => void)[] = [];
  return {
    idle: (work) => {
      queued.push(work);
      return () => (queued = queued.filter((w) => w !== work));
    },
    waiting: () => queued.length,
    run: () => {
      const now = queued;
      queued = [];
      for (const w of now) w();
    },
  };
}

describe('codec warm-up', () => {
  it('decodes a sample holding every kind of field edit a device makes', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, sampleJobUpdate());
    const job = readJob(doc);
    expect(job.notes[0]!.text.length).toBeGreaterThan(150);
    expect(job.lineItems.map((i) => i.qty)).not.toEqual([1, 1, 1, 1, 1]);
    expect(job.time.length).toBeGreaterThan(10);
    expect(job.time.every((t) => t.end !== null)).toBe(true);
    expect(job.checklist.filter((c) => c.done).length).toBeGreaterThan(0);
    expect(job.locations.length).toBeGreaterThan(0);
    // Keystrokes, deletions and map overwrites leave many structs, as a real job's history does.
    expect(Y.decodeUpdate(sampleJobUpdate()).structs.length).toBeGreaterThan(100);
  });

  it('runs one decode per idle slice, never all at once, and says how many ran', async () => {
    const hand = handIdle();
    const warmed = warmUpJobCodec({ idle: hand.idle });
    let slices = 0;
    while (hand.waiting() > 0) {
      expect(hand.waiting()).toBe(1);
      hand.run();
      slices++;
    }
    // One slice builds the sample, then one per decode.
    expect(slices).toBe(WARM_UP_DECODES + 1);
    await expect(warmed).resolves.toBe(WARM_UP_DECODES);
  });

  it('stops when the engine stops, leaving nothing scheduled', async () => {
    const hand = handIdle();
    const stopping = new AbortController();
    const warmed = warmUpJobCodec({ idle: hand.idle, signal: stopping.signal });
    hand.run();
    hand.run();
    hand.run();
    stopping.abort();
    expect(hand.waiting()).toBe(0);
    await expect(warmed).resolves.toBe(2);
  });

  it('once finished, lets the engine stop without touching the scheduler again', async () => {
    const hand = handIdle();
    const stopping = new AbortController();
    let cancels = 0;
    const idle: IdleScheduler = (work) => {
      const cancel = hand.idle(work);
      return () => (cancels++, cancel());
    };
    const warmed = warmUpJobCodec({ idle, signal: stopping.signal, decodes: 1 });
    hand.run();
    hand.run();
    await expect(warmed).resolves.toBe(1);
    stopping.abort();
    expect(cancels).toBe(0);
  });

  it('finishes on the platform scheduler too (Node: zero timeouts)', async () => {
    await expect(warmUpJobCodec({ decodes: 2 })).resolves.toBe(2);
  });
});
