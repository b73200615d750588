/**
 * Outpost's own server, started through `@outpost/server`'s `startServer` on SQLite with
 * the demo seed. Jobs for the load generator are created the way a dispatcher creates
 * them (`POST /api/jobs` as dana), assigned to the technician alice, whose token the load
 * generator presents. The relay's per-socket rate limit (100 msg/s) and per-user socket
 * cap (200), abuse guards, are lifted: the peers have none, and the scenarios drive one
 * socket far beyond a human and open thousands of sockets as the one technician.
 *
 * A scenario may vary Outpost's configuration per data directory with
 * `writeOutpostConfig(dataDir, { durability, databaseUrl })` before starting the process:
 * the durability (default `full`, as the server's own default) and a Postgres store
 * instead of SQLite (a `postgres://…` URL with its schema in `search_path`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createJob, startServer, type Store } from '@outpost/server';
import type { PreparedJobs, StartServer } from './server';

/** How a scenario configures Outpost for one data directory. */
export interface OutpostBenchConfig {
  durability?: 'full' | 'process';
  /** Postgres store at this URL instead of SQLite in the data directory. */
  databaseUrl?: string;
  /** Serve this built web app (the schedule-board scenario); default none. */
  webDir?: string;
}

const CONFIG_FILE = 'outpost-bench.json';

/** Configures the Outpost server that will start on `dataDir`. */
export function writeOutpostConfig(dataDir: string, config: OutpostBenchConfig): void {
  writeFileSync(join(dataDir, CONFIG_FILE), JSON.stringify(config));
}

function readConfig(dataDir: string): OutpostBenchConfig {
  const file = join(dataDir, CONFIG_FILE);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as OutpostBenchConfig) : {};
}

/** The Postgres adapter is loaded only when asked for, as the CLI does. */
async function openPostgres(url: string, durability: 'full' | 'process'): Promise<Store> {
  const { openPostgresStore } = await import('@outpost/server/postgres');
  return openPostgresStore(url, { durability });
}

const BENCH_TITLE = 'Bench job';
/** More jobs than this to make are made in bulk (see `prepare`). */
const BULK_FROM = 300;

async function login(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'outpost' }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Starts the Outpost server on SQLite in `dataDir`. */
export const startOutpost: StartServer = async (dataDir) => {
  const config = readConfig(dataDir);
  const durability = config.durability ?? 'full';
  const server = await startServer({
    dataDir,
    durability,
    ...(config.databaseUrl ? { store: await openPostgres(config.databaseUrl, durability) } : {}),
    port: 0,
    seed: 'demo',
    webDir: config.webDir ?? dataDir, // no web app to serve unless a browser scenario asks
    limits: { messagesPerSecond: 1_000_000, messageBurst: 1_000_000, maxSocketsPerUser: 1_000_000, httpWritesPerSecond: 1_000_000, httpWriteBurst: 1_000_000 },
  });
  const prepare = async (count: number): Promise<PreparedJobs> => {
    const [dispatcher, technician] = await Promise.all([login(server.url, 'dana'), login(server.url, 'alice')]);
    const existing = (await server.store.listJobs()).filter((j) => j.title === BENCH_TITLE).map((j) => j.id);
    const window = { windowStart: new Date().toISOString(), windowEnd: new Date(Date.now() + 3_600_000).toISOString() };
    const job = { title: BENCH_TITLE, customerId: 'cust-1', siteAddress: '1 Bench Way', ...window, assignees: ['alice'] };
    const create = async () => {
      const res = await fetch(`${server.url}/api/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${dispatcher}` },
        body: JSON.stringify(job),
      });
      if (res.status !== 201) throw new Error(`create job: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { job: { id: string } }).job.id;
    };
    // The first create alone: it reads the highest job number, which concurrent first creates
    // would all read alike and then collide on (a 500 on Postgres after 4 retries). After it the
    // server counts ids on in memory, so the rest go 25 at a time.
    if (existing.length < count) existing.push(await create());
    // Beyond a few hundred (idle jobs' 10,000, memory's 5,001) the rest are made in bulk, in
    // process, by the function `POST /api/jobs` calls (the same record and first doc update,
    // without a request each: no device is connected yet to be told). For 2,000 jobs
    // (generator in the same process) HTTP took 19–22 s and 4.6–4.8 s of CPU, bulk 11 s and
    // 1.4–1.5 s; what is left is the two commits a job (FULL durability).
    const bulk = count - existing.length > BULK_FROM;
    // Its first create alone too, for the same reason (the route's store may be wrapped).
    if (bulk) existing.push((await createJob(server.store, job, 'dana')).id);
    while (existing.length < count) {
      const batch = Math.min(bulk ? 500 : 25, count - existing.length);
      const one = bulk ? () => createJob(server.store, job, 'dana').then((j) => j.id) : create;
      existing.push(...(await Promise.all(Array.from({ length: batch }, one))));
    }
    return { jobIds: existing.slice(0, count), token: technician };
  };
  return { port: server.port, prepare, close: () => server.close() };
};
