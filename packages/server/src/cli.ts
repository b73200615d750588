/**
 * `outpost-server --port 8080 --data ./data --seed demo [--host 0.0.0.0] [--web dir] [--durability full|process] [--leftover-fold-ms 2000]`
 *
 * Env: OUTPOST_SECRET (JWT secret; default generated into the data dir, mode 0600; an
 * empty one refuses to start), OUTPOST_METRICS_TOKEN (bearer token for /metrics; without
 * it /metrics is served only when --host is loopback),
 * OUTPOST_DURABILITY (`full` or `process`, as --durability; the flag wins),
 * OUTPOST_LEFTOVER_FOLD_MS (as --leftover-fold-ms: how long start-up may spend compacting the
 * job logs a killed process left before it listens; the rest compact in the background; default 2000),
 * OUTPOST_DATABASE_URL (postgres://… store instead of SQLite),
 * OUTPOST_REDIS_URL (redis://… bus between nodes instead of in-process).
 * SIGTERM/SIGINT stop gracefully: pending commits are flushed first.
 */
import { parseArgs } from 'node:util';
import { startServer, type RunningServer } from './app';
import type { Bus } from './bus/bus';
import { DURABILITY_LEVELS, type Durability, type Store } from './store/store';
import { semiSpaceMb, youngGenerationAdvice } from './young-generation';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    host: { type: 'string', default: '127.0.0.1' },
    data: { type: 'string', default: './data' },
    seed: { type: 'string' },
    web: { type: 'string' },
    durability: { type: 'string' },
    'leftover-fold-ms': { type: 'string' },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, not ${values.port}`);
  process.exit(2);
}
if (values.seed !== undefined && values.seed !== 'demo') {
  console.error(`--seed accepts only "demo", not ${values.seed}`);
  process.exit(2);
}

/** What a durable ack survives: `full` (default, fsync per commit) or `process` (see store.ts). */
function durabilityOption(): Durability {
  const [given, source] = values.durability !== undefined ? [values.durability, '--durability'] : [process.env.OUTPOST_DURABILITY, 'OUTPOST_DURABILITY'];
  if (given === undefined || given === '') return 'full';
  if ((DURABILITY_LEVELS as readonly string[]).includes(given)) return given as Durability;
  console.error(
    `${source} must be "full" (an acked update survives power loss and kernel crashes) or "process" (it survives the server process dying, not the machine), not ${JSON.stringify(given)}`,
  );
  process.exit(2);
}
const durability = durabilityOption();

/** Milliseconds start-up may spend folding leftover job logs before listening (store/leftover-logs.ts); undefined = the server's default. */
function leftoverFoldOption(): number | undefined {
  const flag = values['leftover-fold-ms'];
  const [given, source] = flag !== undefined ? [flag, '--leftover-fold-ms'] : [process.env.OUTPOST_LEFTOVER_FOLD_MS, 'OUTPOST_LEFTOVER_FOLD_MS'];
  if (given === undefined || given === '') return undefined;
  const ms = Number(given);
  if (Number.isInteger(ms) && ms >= 0) return ms;
  console.error(`${source} must be a whole number of milliseconds (0 folds every leftover log in the background, after listening), not ${JSON.stringify(given)}`);
  process.exit(2);
}
const leftoverFoldMs = leftoverFoldOption();

/** Adapters for scale-out are the public subpaths `@outpost/server/postgres` and `/redis`; loaded only when configured. */
async function openStore(): Promise<Store | undefined> {
  const url = process.env.OUTPOST_DATABASE_URL;
  if (!url) return undefined;
  // A literal specifier, so the build keeps it as a lazy chunk (pg loads only when configured).
  const { openPostgresStore } = await import('./postgres');
  return openPostgresStore(url, { durability });
}

/** `store` lets the Redis bus repair a job from storage after its connection drops (bus/redis). */
async function openBus(store: Store | undefined): Promise<Bus | undefined> {
  const url = process.env.OUTPOST_REDIS_URL;
  if (!url) return undefined;
  const { openRedisBus } = await import('./redis');
  return openRedisBus(url, store ? { catchUp: (jobId) => store.loadJobDoc(jobId) } : {});
}

const store = await openStore();

let server: RunningServer;
try {
  server = await startServer({
    port,
    host: values.host,
    dataDir: values.data,
    seed: values.seed === 'demo' ? 'demo' : false,
    secret: process.env.OUTPOST_SECRET || undefined,
    metricsToken: process.env.OUTPOST_METRICS_TOKEN || undefined,
    store,
    durability,
    leftoverFoldMs,
    bus: await openBus(store),
    webDir: values.web,
  });
} catch (err) {
  // A refusal to start (empty secret, a database from a newer server, port taken) is the
  // operator's to fix: say what, without a stack, and exit non-zero.
  console.error(`[outpost] cannot start: ${(err as Error).message}`);
  process.exit(1);
}
// Before anything else is awaited: a stop signal from here on closes gracefully (pending commits flushed).
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      (err) => {
        console.error('[outpost] shutdown failed', err);
        process.exit(1);
      },
    );
  });
}

console.log(`outpost-server listening on ${server.url}`);
const youngGeneration = youngGenerationAdvice(semiSpaceMb(process.execArgv, process.env.NODE_OPTIONS));
if (youngGeneration) console.warn(youngGeneration);
// As the live database connection reports it, so an operator sees what an ack means.
console.log(`durability: ${durability} (${(await server.store.commitDurability?.()) ?? 'not reported by this store'})`);
