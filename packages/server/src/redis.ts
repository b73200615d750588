/**
 * `@outpost/server/redis`: the Redis bus between server nodes (`OUTPOST_REDIS_URL`).
 * A subpath of its own so single-node installs never load `ioredis`; the CLI imports it lazily.
 *
 * @module @outpost/server/redis
 */
export { CATCH_UP_NODE, decodeBusEvent, DEFAULT_PREFIX, encodeBusEvent, ENVELOPE_VERSION, jobChannel, openRedisBus, RedisBus } from './bus/redis/index';
export type { RedisBusOptions } from './bus/redis/index';
