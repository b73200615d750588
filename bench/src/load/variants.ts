/**
 * The server variants the durability rows compare (issue 18.3): Outpost on SQLite with
 * `synchronous = FULL` (a commit survives power loss) and with process-only durability
 * (`NORMAL`: survives the process dying, not the machine), Outpost on Postgres
 * (`synchronous_commit = on`, its default), and the two peers as they run.
 */
import { benchSchema, postgresReachable } from '../harness/postgres';
import { ServerProcess } from '../harness/server-process';
import { SERVER_LABELS, type ServerKind } from '../servers/server';

/** One row's server. */
export interface Variant {
  id: string;
  label: string;
  kind: ServerKind;
  /** What the server's acknowledgement means. */
  ack: string;
  env?: Record<string, string>;
  postgres?: boolean;
}

/** The variants for `servers`; Postgres only when reachable (a note says when it is not). */
export async function durabilityVariants(servers: ServerKind[], notes: string[]): Promise<Variant[]> {
  const out: Variant[] = [];
  if (servers.includes('outpost')) {
    out.push({ id: 'outpost-full', label: 'Outpost, SQLite FULL', kind: 'outpost', ack: 'durable ack: committed, fsynced (survives power loss)', env: { BENCH_OUTPOST_STORE: 'sqlite-full' } });
    out.push({ id: 'outpost-process', label: 'Outpost, SQLite process-only', kind: 'outpost', ack: 'durable ack: committed to the WAL (survives a crash, not power loss)', env: { BENCH_OUTPOST_STORE: 'sqlite-process' } });
    if (await postgresReachable()) out.push({ id: 'outpost-pg', label: 'Outpost, Postgres', kind: 'outpost', ack: 'durable ack: committed, synchronous_commit = on', postgres: true });
    else notes.push('Outpost on Postgres left out: Postgres is not reachable.');
  }
  if (servers.includes('hocuspocus')) out.push({ id: 'hocuspocus', label: SERVER_LABELS.hocuspocus, kind: 'hocuspocus', ack: 'SyncStatus: applied in memory only (stored later, debounced)' });
  if (servers.includes('ywss')) out.push({ id: 'ywss', label: SERVER_LABELS.ywss, kind: 'ywss', ack: 'none: the relay echoing the update back stands in (in memory)' });
  return out;
}

/** Starts a variant's server; `cleanup` also drops its Postgres schema. */
export async function startVariant(v: Variant, dataDir?: string): Promise<{ server: ServerProcess; cleanup(): Promise<void> }> {
  const schema = v.postgres ? benchSchema() : null;
  const env = { ...(v.env ?? {}), ...(schema ? { BENCH_OUTPOST_STORE: 'postgres', BENCH_PG_URL: schema.url } : {}) };
  const server = await ServerProcess.start(v.kind, dataDir, env);
  return {
    server,
    async cleanup() {
      await server.stop();
      await schema?.drop();
    },
  };
}
