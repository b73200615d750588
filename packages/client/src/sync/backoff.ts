/**
 * Reconnect and retry delays: exponential, capped, with jitter so a fleet of devices that
 * lost the same tower does not hammer the server in step when it comes back.
 */

/** Delay policy. */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/** Default for sockets: 0.5 s doubling to 30 s. */
export const RECONNECT_BACKOFF: BackoffPolicy = { baseMs: 500, maxMs: 30_000 };

/**
 * Delay before attempt `attempt` (0-based): base·2^attempt capped at max, then a random
 * factor in [0.5, 1) ("equal jitter"), so it never collapses to zero.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
