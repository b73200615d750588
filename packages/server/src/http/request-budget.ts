/**
 * Per-user budgets for the HTTP routes a device can repeat at will. A socket has its own
 * rate limit per socket (relay/rate-limiter.ts); these routes had none, so one device (or a
 * leaked token) could keep the server busy with commits, hashing or searches while everyone
 * else waited.
 *
 * - **Writes**: content over HTTP (`POST /api/jobs/:id/updates`), ops one by one and batched,
 *   blobs and their chunks, handovers, review marks, new jobs — every POST/PUT/PATCH/DELETE
 *   behind sign-in (`httpWritesPerSecond`, `httpWriteBurst`).
 * - **Look-ups**: the online searches over all customers and the whole pricebook
 *   (`lookupsPerSecond`, `lookupBurst`).
 *
 * A token bucket per user: a request with nothing left is answered `429 rate_limited` with
 * `Retry-After` before its body is read. Devices treat 429 as "retry later"
 * (sync/retry-schedule.ts): nothing is dropped. Other reads and sign-in (its own throttle)
 * spend nothing. Budgets are per node; behind a load balancer a user's is the sum of the nodes'.
 */
import { OutpostError } from '@outpost/shared';
import type { MiddlewareHandler } from 'hono';
import type { ApiEnv } from './env';

/** Users remembered; past this the least recently writing are forgotten (a full budget). */
const MAX_USERS = 10_000;

/** One token bucket per user; a user not in the map has a full budget. */
export class RequestBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Spends one request of `userId`: 0 when it may go now, else whole seconds until it may. */
  take(userId: string): number {
    const now = this.clock();
    const b = this.buckets.get(userId);
    const tokens = b ? Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.perSecond) : this.burst;
    if (tokens < 1) {
      this.buckets.set(userId, { tokens, at: now });
      return Math.max(1, Math.ceil((1 - tokens) / this.perSecond));
    }
    this.buckets.delete(userId); // re-inserted last: the map's order is least recently writing first
    if (this.buckets.size >= MAX_USERS) this.buckets.delete(this.buckets.keys().next().value!);
    this.buckets.set(userId, { tokens: tokens - 1, at: now });
    return 0;
  }
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Middleware (behind `requireUser`): spends one write per POST/PUT/PATCH/DELETE, or answers 429. */
export function limitWrites(budget: RequestBudget): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if (READS.has(c.req.method)) return next();
    const wait = budget.take(c.var.user.userId);
    if (wait > 0) throw new OutpostError('rate_limited', `Too many uploads and changes from your account at once; try again in ${wait} s.`, { retryAfterSeconds: wait });
    await next();
  };
}

/** Middleware (behind `requireUser`) for the online searches: spends one look-up, or answers 429. */
export function limitLookups(budget: RequestBudget): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const wait = budget.take(c.var.user.userId);
    if (wait > 0) throw new OutpostError('rate_limited', `Too many look-ups from your account at once; try again in ${wait} s.`, { retryAfterSeconds: wait });
    await next();
  };
}
