/**
 * The retry schedule for things a device sends on a person's behalf (workflow ops, photo
 * and signature uploads, priming fetches). Pure, so the rule reads in one place
 * (docs/contracts.md, "Retry schedule"):
 *
 * - **Transient** — no answer, 408, 425, 429, any 5xx: the server may take it later. Retried
 *   after about 1 s, 5 s, 30 s, then every 60 s, each delay jittered ±20 % so a fleet that
 *   lost the same server does not come back in step. After {@link FLAG_AFTER_ATTEMPTS}
 *   answered failures the item is flagged (listed in Errors) but keeps being retried in the
 *   background, and leaves Errors by itself once it goes through. A server that names its
 *   wait (`429 rate_limited` / `503` with `details.retryAfterSeconds`, also sent as
 *   `Retry-After`) is not asked again sooner than that.
 * - **Permanent** — any other 4xx: the server will refuse it again. Errors after one try;
 *   only a person's Retry sends it again.
 */

/** How one failed attempt is classed. */
export type FailureKind = 'transient' | 'permanent';

/** Why the last attempt failed, as kept on the item and shown to the person. */
export interface AttemptFailure {
  code: string;
  /** The server's reason (permanent), or what went wrong (transient). */
  message: string;
  kind: FailureKind;
  /** When the next background attempt is due (transient only), ISO time. */
  retryAt?: string;
}

/** Delays before the 2nd, 3rd and 4th attempt; later ones wait {@link RETRY_EVERY_MS}. */
export const RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000, 30_000];

/** The steady delay once the first delays are used up. */
export const RETRY_EVERY_MS = 60_000;

/** Answered transient failures after which an item is flagged in Errors (the seed's "3 tries"). */
export const FLAG_AFTER_ATTEMPTS = 3;

/** Each delay is scaled by a random factor in [1 − JITTER, 1 + JITTER). */
export const RETRY_JITTER = 0.2;

/** Whether an answer's HTTP status (null: no answer at all) may succeed if sent again later. */
export function isTransient(status: number | null): boolean {
  return status === null || status === 408 || status === 425 || status === 429 || status >= 500;
}

/** The kind of failure an answer is. */
export function failureKind(status: number | null): FailureKind {
  return isTransient(status) ? 'transient' : 'permanent';
}

/** Delay before the next attempt, after `failures` failed attempts (1-based), jittered. */
export function retryDelay(failures: number, random: () => number = Math.random): number {
  const base = failures >= 1 && failures <= RETRY_DELAYS_MS.length ? RETRY_DELAYS_MS[failures - 1]! : RETRY_EVERY_MS;
  return Math.round(base * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random()));
}

/**
 * The failure record after `failures` failed attempts, the last one answered with `status`;
 * `serverWaitMs` is the wait the server named (Retry-After), the least the next try waits.
 */
export function failureAfter(
  failures: number,
  status: number | null,
  error: { code: string; message: string },
  now: number = Date.now(),
  random: () => number = Math.random,
  serverWaitMs = 0,
): AttemptFailure {
  const kind = failureKind(status);
  if (kind === 'permanent') return { ...error, kind };
  return { ...error, kind, retryAt: new Date(now + Math.max(retryDelay(failures, random), serverWaitMs)).toISOString() };
}

/** The wait an error answer's details name (`retryAfterSeconds`), in ms; 0 when none. */
export function serverWait(details: unknown): number {
  const seconds = (details as { retryAfterSeconds?: unknown } | null | undefined)?.retryAfterSeconds;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
}

/** Whether an item with this failure is due for another attempt at `now`. */
export function isDue(failure: AttemptFailure | undefined, now: number = Date.now()): boolean {
  if (!failure) return true;
  if (failure.kind === 'permanent') return false;
  return !failure.retryAt || Date.parse(failure.retryAt) <= now;
}

/** Whether a failure count means the item is flagged for the person (listed in Errors). */
export function isFlagged(failures: number, kind: FailureKind): boolean {
  return kind === 'permanent' || failures >= FLAG_AFTER_ATTEMPTS;
}
