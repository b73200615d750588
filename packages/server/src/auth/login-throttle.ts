/**
 * Failed sign-ins are budgeted per username and per address (token buckets): each failure
 * spends one, and the budget refills one every few seconds. A username or address with
 * nothing left is answered `429 too_many_attempts` with `Retry-After` before its password
 * is checked, so a flood costs the server no scrypt. Successes spend nothing: devices that
 * sign in again and again are never held up.
 *
 * The username budget stops a guesser spread over many hosts; the address budget stops one
 * host trying many usernames. The price (docs/decisions.md): someone who floods a username
 * holds its owner up too, for as long as the flood lasts and one refill after.
 */
import { isIP } from 'node:net';

/** Limits on failed sign-ins and on password checks. */
export interface LoginLimits {
  /** Failures one username may have in a row before it is throttled. */
  failuresPerUsername: number;
  /** Seconds until a throttled username may try once more. */
  usernameRefillSeconds: number;
  /** Failures one address (an IPv6 /64) may have in a row before it is throttled. */
  failuresPerAddress: number;
  /** Seconds until a throttled address may try once more. */
  addressRefillSeconds: number;
  /** Password checks (scrypt) run at once; the rest of the thread pool stays free. */
  passwordChecksAtOnce: number;
  /** Password checks that may wait; past this a login answers 503 at once. */
  passwordChecksWaiting: number;
}

/** libuv's thread pool; scrypt and WebCrypto (token checks) both run there. */
const THREAD_POOL_SIZE = Number(process.env.UV_THREADPOOL_SIZE) || 4;

/** Defaults: 10 guesses per username then one per 30 s; 30 per address then one per 2 s. */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  failuresPerUsername: 10,
  usernameRefillSeconds: 30,
  failuresPerAddress: 30,
  addressRefillSeconds: 2,
  passwordChecksAtOnce: Math.max(1, Math.floor(THREAD_POOL_SIZE / 2)),
  passwordChecksWaiting: 32,
};

/** Keys remembered per budget; past this the least recently failed are forgotten. */
const MAX_KEYS = 10_000;

/** One token bucket per key; a key not in the map has a full budget. */
class FailureBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly refillSeconds: number,
  ) {}

  private tokens(key: string, now: number): number {
    const b = this.buckets.get(key);
    if (!b) return this.capacity;
    return Math.min(this.capacity, b.tokens + (now - b.at) / (this.refillSeconds * 1000));
  }

  /** Whole seconds until `key` may fail once more; 0 when it may now. */
  retryAfter(key: string, now: number): number {
    const tokens = this.tokens(key, now);
    if (tokens >= 1) return 0;
    const ms = Math.round((1 - tokens) * this.refillSeconds * 1000); // whole ms: no float residue
    return Math.max(1, Math.ceil(ms / 1000));
  }

  /** Spends one failure. */
  fail(key: string, now: number): void {
    const tokens = Math.max(0, this.tokens(key, now) - 1);
    this.buckets.delete(key); // re-inserted last: the map's order is least recently failed first
    if (this.buckets.size >= MAX_KEYS) this.buckets.delete(this.buckets.keys().next().value!);
    this.buckets.set(key, { tokens, at: now });
  }
}

/**
 * The address a budget is kept for: IPv4 as is (IPv4-mapped IPv6 unwrapped), IPv6 by its
 * /64, since one host commonly holds a whole /64.
 */
export function addressKey(address: string): string {
  const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (isIP(plain) !== 6) return plain;
  const [head = '', tail = ''] = plain.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = plain.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

/** The failure budgets of one server. */
export class LoginThrottle {
  private readonly byUsername: FailureBudget;
  private readonly byAddress: FailureBudget;

  constructor(
    limits: LoginLimits,
    private readonly clock: () => number = Date.now,
  ) {
    this.byUsername = new FailureBudget(limits.failuresPerUsername, limits.usernameRefillSeconds);
    this.byAddress = new FailureBudget(limits.failuresPerAddress, limits.addressRefillSeconds);
  }

  /** Whole seconds to wait before this attempt may be checked; 0 when it may now. */
  retryAfter(username: string, address: string): number {
    const now = this.clock();
    return Math.max(this.byUsername.retryAfter(username, now), this.byAddress.retryAfter(addressKey(address), now));
  }

  /** Records a failed sign-in. */
  failed(username: string, address: string): void {
    const now = this.clock();
    this.byUsername.fail(username, now);
    this.byAddress.fail(addressKey(address), now);
  }
}
