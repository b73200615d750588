/**
 * Outpost's own server, started through `@outpost/server`'s `startServer` on SQLite with
 * the demo seed. Jobs for the load generator are created the way a dispatcher creates
 * them (`POST /api/jobs` as dana), assigned to the technician alice, whose token the load
 * generator presents. The relay's per-socket rate limit (100 msg/s, an abuse guard) is
 * lifted: the peers have none, and the scenarios drive one socket far beyond a human.
 */
import { join } from 'node:path';
import { SqliteStore, startServer, type Store } from '@outpost/server';
import type { PreparedJobs, StartServer } from './server';

const BENCH_TITLE = 'Bench job';

async function login(base: string, username: string): Promise<string> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'outpost' }),
  });
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/**
 * The store variant, from `BENCH_OUTPOST_STORE` (set by the parent per row): unset = the
 * server's own default; `sqlite-full` / `sqlite-process` = SQLite with `synchronous = FULL`
 * (a commit survives power loss) or `NORMAL` (survives the process dying, not the machine);
 * `postgres` = Postgres at `BENCH_PG_URL` (its default `synchronous_commit = on`).
 */
async function storeVariant(dataDir: string): Promise<Store | undefined> {
  const variant = process.env.BENCH_OUTPOST_STORE;
  if (!variant) return undefined;
  if (variant === 'sqlite-full') return new SqliteStore(join(dataDir, 'outpost.db'), { synchronous: 'FULL' });
  if (variant === 'sqlite-process') return new SqliteStore(join(dataDir, 'outpost.db'), { synchronous: 'NORMAL' });
  if (variant === 'postgres') {
    // Imported only here, as the CLI does, so SQLite runs never load pg.
    const { openPostgresStore } = await import('../../../packages/server/src/store/postgres/index');
    return openPostgresStore(process.env.BENCH_PG_URL!);
  }
  throw new Error(`BENCH_OUTPOST_STORE=${variant}: expected sqlite-full, sqlite-process or postgres`);
}

/** Starts the Outpost server in `dataDir` (SQLite unless `BENCH_OUTPOST_STORE` says otherwise). */
export const startOutpost: StartServer = async (dataDir) => {
  const store = await storeVariant(dataDir);
  const server = await startServer({
    ...(store ? { store } : {}),
    dataDir,
    port: 0,
    seed: 'demo',
    webDir: dataDir, // no web app to serve in a benchmark
    limits: { messagesPerSecond: 1_000_000, messageBurst: 1_000_000 },
  });
  const prepare = async (count: number): Promise<PreparedJobs> => {
    const [dispatcher, technician] = await Promise.all([login(server.url, 'dana'), login(server.url, 'alice')]);
    const existing = (await server.store.listJobs()).filter((j) => j.title === BENCH_TITLE).map((j) => j.id);
    const window = { windowStart: new Date().toISOString(), windowEnd: new Date(Date.now() + 3_600_000).toISOString() };
    const create = async () => {
      const res = await fetch(`${server.url}/api/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${dispatcher}` },
        body: JSON.stringify({ title: BENCH_TITLE, customerId: 'cust-1', siteAddress: '1 Bench Way', ...window, assignees: ['alice'] }),
      });
      if (res.status !== 201) throw new Error(`create job: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { job: { id: string } }).job.id;
    };
    // The first create alone: it reads the highest job number, which concurrent first creates
    // would all read alike and then collide on (a 500 on Postgres after 4 retries). After it the
    // server counts ids on in memory, so the rest go 25 at a time.
    if (existing.length < count) existing.push(await create());
    while (existing.length < count) {
      const batch = Math.min(25, count - existing.length);
      existing.push(...(await Promise.all(Array.from({ length: batch }, create))));
    }
    return { jobIds: existing.slice(0, count), token: technician };
  };
  return { port: server.port, prepare, close: () => server.close() };
};
