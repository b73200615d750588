/**
 * The Redis bus for scale-out (`OUTPOST_REDIS_URL`). The CLI imports this module only when
 * that variable is set, so single-node installs never load `ioredis`.
 */
import { RedisBus, type RedisBusOptions } from './redis-bus';

export { DEFAULT_PREFIX, jobChannel } from './channels';
export { decodeBusEvent, encodeBusEvent, ENVELOPE_VERSION } from './envelope';
export { CATCH_UP_NODE, RedisBus, type RedisBusOptions } from './redis-bus';

/**
 * Connects to `url` (redis://…). The channel prefix defaults to `OUTPOST_REDIS_PREFIX`, else
 * `outpost`: every node of one cluster must use the same prefix, and separate clusters
 * (or test runs) sharing a Redis must not.
 */
export function openRedisBus(url: string, options: RedisBusOptions = {}): Promise<RedisBus> {
  return RedisBus.connect(url, { prefix: process.env.OUTPOST_REDIS_PREFIX || undefined, ...options });
}
