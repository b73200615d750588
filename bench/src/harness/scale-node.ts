/**
 * One Outpost node of the scale-out scenario, as the CLI starts it (Postgres store and Redis
 * bus from OUTPOST_DATABASE_URL / OUTPOST_REDIS_URL, secret from OUTPOST_SECRET, `--port`,
 * `--data`, `--seed demo`), with the relay's abuse guards lifted as for every benchmarked
 * Outpost (servers/outpost.ts): the scenario's typists are all alice, past the per-user
 * socket cap. Prints "listening on <url>" like the CLI.
 */
import { parseArgs } from 'node:util';
import { startServer } from '@outpost/server';
import { openPostgresStore } from '@outpost/server/postgres';
import { openRedisBus } from '@outpost/server/redis';

const { values } = parseArgs({ options: { port: { type: 'string' }, data: { type: 'string' }, seed: { type: 'string' } } });
const databaseUrl = process.env.OUTPOST_DATABASE_URL;
const store = databaseUrl ? await openPostgresStore(databaseUrl, { durability: 'full' }) : undefined;
const redisUrl = process.env.OUTPOST_REDIS_URL;
const bus = redisUrl ? await openRedisBus(redisUrl, store ? { catchUp: (jobId) => store.loadJobDoc(jobId) } : {}) : undefined;
const server = await startServer({
  port: Number(values.port ?? 0),
  dataDir: values.data!,
  seed: values.seed === 'demo' ? 'demo' : false,
  secret: process.env.OUTPOST_SECRET || undefined,
  store,
  bus,
  webDir: values.data!, // no web app to serve in a benchmark
  limits: { messagesPerSecond: 1_000_000, messageBurst: 1_000_000, maxSocketsPerUser: 1_000_000 },
});
console.log(`outpost-server listening on ${server.url}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}
