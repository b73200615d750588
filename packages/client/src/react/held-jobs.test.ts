import { describe, expect, it } from 'vitest';
import type { JobHandle } from '../jobs/job-store';
import { holdJobs, oncePerFrame } from './held-jobs';

/** An engine whose jobs open at once, counting opens and closes. */
function countingEngine() {
  const opened: string[] = [];
  const closed: string[] = [];
  return {
    opened,
    closed,
    openJob: async (jobId: string) => {
      opened.push(jobId);
      return { jobId, close: () => closed.push(jobId) } as unknown as JobHandle;
    },
  };
}

/** Turns that pass only when the test says so. */
function manualTurns() {
  const waiting: (() => void)[] = [];
  return { waiting, nextTurn: () => new Promise<void>((r) => waiting.push(r)), pass: () => waiting.splice(0).forEach((r) => r()) };
}

const settle = () => new Promise((r) => setTimeout(r, 5));
const ids = Array.from({ length: 200 }, (_, i) => `job-${i}`);

describe('holding the 200 jobs of a schedule board', () => {
  it('opens a few jobs, then gives the page a turn before the next few', async () => {
    const engine = countingEngine();
    const turns = manualTurns();
    const held: string[] = [];
    const release = holdJobs(engine, ids, (h) => void held.push(h.jobId), { perTurn: 6, nextTurn: turns.nextTurn });
    await settle();
    expect(engine.opened).toHaveLength(6);
    expect(held).toEqual(ids.slice(0, 6));
    turns.pass();
    await settle();
    expect(engine.opened).toHaveLength(12);
    for (let i = 0; i < 40 && turns.waiting.length; i++) {
      turns.pass();
      await settle();
    }
    expect(new Set(engine.opened).size).toBe(200);
    release();
    expect(engine.closed).toHaveLength(200);
  });

  it('stops opening and closes what it held when the board goes away', async () => {
    const engine = countingEngine();
    const turns = manualTurns();
    const undone: string[] = [];
    const release = holdJobs(engine, ids, (h) => () => undone.push(h.jobId), { perTurn: 6, nextTurn: turns.nextTurn });
    await settle();
    release();
    turns.pass();
    await settle();
    expect(engine.opened).toHaveLength(6);
    expect(engine.closed).toHaveLength(6);
    expect(undone).toHaveLength(6);
  });
});

describe('reading many jobs once per frame', () => {
  it('flushes once however many jobs report before the frame', async () => {
    let flushes = 0;
    const frame = oncePerFrame(() => flushes++);
    for (let i = 0; i < 200; i++) frame.mark();
    await new Promise((r) => setTimeout(r, 40));
    expect(flushes).toBe(1);
    frame.mark();
    frame.cancel();
    await new Promise((r) => setTimeout(r, 40));
    expect(flushes).toBe(1);
  });
});
