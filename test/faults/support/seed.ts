/**
 * Seeded randomness for the fault suite. Every random choice comes from a `Prng` made from
 * one seed; a failing test prints `seed=<n>` and `OUTPOST_SEED=<n>` replays it.
 *
 *   const run = seededRun('relay fuzz');     // seed from OUTPOST_SEED or fresh
 *   await run.replayable(async (rng) => …);  // on failure: "[relay fuzz] seed=123 …"
 */

/** A small deterministic PRNG (mulberry32): same seed, same sequence. */
export class Prng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)]!;
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(0, 255);
    return out;
  }

  /** A child generator, so one part of a test can draw without shifting another's sequence. */
  fork(): Prng {
    return new Prng(this.int(0, 0xffffffff));
  }
}

/** True under `pnpm test:soak`, where the suites run longer. */
export const soak = process.env.OUTPOST_SOAK === '1' || process.env.OUTPOST_SOAK === 'true';

/** `bounded` in the normal run, `long` under soak. */
export function scaled<T>(bounded: T, long: T): T {
  return soak ? long : bounded;
}

/** The seed for this run: OUTPOST_SEED when replaying, otherwise a fresh one. */
export function runSeed(): number {
  const fromEnv = process.env.OUTPOST_SEED;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!Number.isInteger(n) || n < 0) throw new Error(`OUTPOST_SEED must be a non-negative integer, got ${fromEnv}`);
    return n >>> 0;
  }
  return (Date.now() ^ (process.pid << 16) ^ Math.floor(Math.random() * 0xffffffff)) >>> 0;
}

/**
 * Runs `body` with a generator seeded for this run; when it throws, the error message
 * gains `seed=<n>` (and the seed is logged), so the failing run can be replayed with
 * `OUTPOST_SEED=<n>`.
 */
export async function withSeed<T>(label: string, body: (rng: Prng) => Promise<T> | T, seed = runSeed()): Promise<T> {
  // Also said up front: a test that times out never reaches the catch below.
  if (soak) console.info(`[${label}] seed=${seed}`);
  try {
    return await body(new Prng(seed));
  } catch (err) {
    const hint = `[${label}] seed=${seed} (replay: OUTPOST_SEED=${seed})`;
    console.error(hint);
    if (err instanceof Error) {
      err.message = `${err.message}\n${hint}`;
      throw err;
    }
    throw new Error(`${String(err)}\n${hint}`, { cause: err });
  }
}
