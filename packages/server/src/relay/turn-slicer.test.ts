import { describe, expect, it } from 'vitest';
import { TurnSlicer } from './turn-slicer';

/** A chain of immediates counting event-loop turns until `stop()`. */
function turnCounter(): { readonly turns: number; stop(): void } {
  let turns = 0;
  let stopped = false;
  const tick = () => {
    if (stopped) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return {
    get turns() {
      return turns;
    },
    stop: () => (stopped = true),
  };
}

describe('background work in slices', () => {
  it('runs at most its budget of tasks per turn, in order, letting the loop turn between slices', async () => {
    let clock = 0;
    const slicer = new TurnSlicer(2, () => clock);
    const counter = turnCounter();
    const ran: Array<[number, number]> = [];
    const done = new Promise<void>((resolve) => {
      for (let i = 0; i < 6; i++) {
        slicer.add(() => {
          ran.push([i, counter.turns]);
          clock += 1; // each task takes 1 ms of the 2 ms budget
          if (i === 5) resolve();
        });
      }
    });
    await done;
    counter.stop();
    expect(ran.map(([i]) => i)).toEqual([0, 1, 2, 3, 4, 5]);
    // Two tasks per slice, and the loop turned between slices.
    const turnOf = ran.map(([, turn]) => turn);
    expect(turnOf[0]).toBe(turnOf[1]);
    expect(turnOf[2]).toBe(turnOf[3]);
    expect(turnOf[2]).toBeGreaterThan(turnOf[1]!);
    expect(turnOf[4]).toBeGreaterThan(turnOf[3]!);
    expect(slicer.pending).toBe(0);
  });

  it('runs one task per turn even when a task alone exceeds the budget, and goes on after a task throws', async () => {
    let clock = 0;
    const slicer = new TurnSlicer(2, () => clock);
    const ran: number[] = [];
    const errors = console.error;
    console.error = () => undefined;
    try {
      await new Promise<void>((resolve) => {
        slicer.add(() => {
          clock += 10;
          ran.push(1);
          throw new Error('boom');
        });
        slicer.add(() => ran.push(2));
        slicer.add(() => resolve());
      });
    } finally {
      console.error = errors;
    }
    expect(ran).toEqual([1, 2]);
  });
});
