/**
 * A fresh Postgres schema for an Outpost-on-Postgres row (durability variants, cold open on
 * Postgres): the server migrates it on start; `drop` removes it after. Rows that need
 * Postgres are left out, with a note, when it is not reachable.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { openPostgresPool } from '../../../packages/server/src/store/postgres/pool';

const DATABASE_URL = process.env.OUTPOST_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Whether something listens on host:port (Postgres, Redis) within a second. */
export function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/** Whether the bench's Postgres is reachable. */
export function postgresReachable(): Promise<boolean> {
  const url = new URL(DATABASE_URL);
  return reachable(url.hostname, Number(url.port || 5432));
}

/** A new schema's connection URL (`search_path` set) and how to drop it. */
export function benchSchema(): { url: string; drop(): Promise<void> } {
  const schema = `outpost_bench_${randomBytes(5).toString('hex')}`;
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      const admin = openPostgresPool(DATABASE_URL, { max: 1, applicationName: 'outpost-bench-admin' });
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => admin.end());
    },
  };
}
