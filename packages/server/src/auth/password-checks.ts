/**
 * A bound on password checks running at once. scrypt runs on libuv's thread pool (4
 * threads by default), the same pool WebCrypto uses to check token signatures, so a login
 * flood left unbounded queues every token check (and file work) behind it. At most
 * `atOnce` checks run; up to `waiting` more queue in order; past that a login is answered
 * `503 unavailable` with `Retry-After: 1` at once.
 */
import { OutpostError } from '@outpost/shared';

/** The bounded queue of password checks for one server. */
export class PasswordChecks {
  private active = 0;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly atOnce: number,
    private readonly waiting: number,
  ) {}

  /** Checks running now. */
  get running(): number {
    return this.active;
  }

  /** Checks waiting for a turn. */
  get queued(): number {
    return this.queue.length;
  }

  /** Runs `check` when a slot is free; throws `unavailable` when the queue is full. */
  async run<T>(check: () => Promise<T>): Promise<T> {
    if (this.active >= this.atOnce) {
      if (this.queue.length >= this.waiting) {
        throw new OutpostError('unavailable', 'Too many sign-ins are being checked; try again in a moment.', { retryAfterSeconds: 1 });
      }
      // The slot is handed over by the finishing check, so `active` never drops in between.
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await check();
    } finally {
      const next = this.queue.shift();
      if (next) next();
      else this.active--;
    }
  }
}
