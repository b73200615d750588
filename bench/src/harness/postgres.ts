/**
 * Whether the bench's Postgres (servers/postgres-schema.ts) answers, so rows that need it
 * are left out with a note instead of failing the scenario.
 */
import { connect } from 'node:net';
import { BENCH_DATABASE_URL } from '../servers/postgres-schema';

/** Whether something listens on host:port within a second. */
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
  const url = new URL(BENCH_DATABASE_URL);
  return reachable(url.hostname, Number(url.port || 5432));
}
