/**
 * A seeded schedule of wire faults for one proxy: every few hundred ms it clears the
 * wire, adds delay, stalls, cuts every connection mid-frame, or partitions for a while.
 * `hold()` freezes the schedule (the chaos run partitions everyone around a server kill).
 */
import type { FaultProxy } from '../../../test-support/fault-proxy';
import type { Prng } from './seed';

/** A running schedule. */
export interface FaultSchedule {
  /** Stops the schedule and waits for it to finish; the wire is left clean. */
  stop(): Promise<void>;
  /** While held, the schedule changes nothing. */
  held: boolean;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs random faults on `proxy` until stopped. */
export function runFaultSchedule(proxy: FaultProxy, rng: Prng): FaultSchedule {
  let running = true;
  const schedule: FaultSchedule = {
    held: false,
    stop: async () => {
      running = false;
      await loop;
      proxy.clearFaults();
    },
  };
  const loop = (async () => {
    for (let step = 0; running && step < 1_000_000; step++) {
      await sleep(rng.int(200, 1200));
      if (!running || schedule.held) continue;
      const roll = rng.next();
      if (roll < 0.35) proxy.clearFaults();
      else if (roll < 0.5) proxy.delayMs = rng.int(10, 250);
      else if (roll < 0.65) {
        proxy.stall();
        await sleep(rng.int(100, 1500));
        proxy.resume();
      } else if (roll < 0.85) proxy.cutAll(rng.int(50, 400));
      else {
        proxy.partition();
        await sleep(rng.int(200, 2000));
        if (!schedule.held) proxy.heal();
      }
    }
  })();
  return schedule;
}
