/**
 * The server variants the durability rows compare (issue 18.3): Outpost on SQLite with
 * `--durability full` (a commit survives power loss) and `process` (survives the process
 * dying, not the machine), Outpost on Postgres (durability full: `synchronous_commit = on`),
 * and the two peers as they run. Outpost's variant is written into its data directory
 * (servers/outpost.ts `writeOutpostConfig`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { postgresReachable } from '../harness/postgres';
import { ServerProcess } from '../harness/server-process';
import { writeOutpostConfig, type OutpostBenchConfig } from '../servers/outpost';
import { createBenchSchema } from '../servers/postgres-schema';
import { SERVER_LABELS, type ServerKind } from '../servers/server';

/** One row's server. */
export interface Variant {
  id: string;
  label: string;
  kind: ServerKind;
  /** What the server's acknowledgement means. */
  ack: string;
  /** Outpost's configuration for this variant. */
  outpost?: OutpostBenchConfig;
  postgres?: boolean;
}

/** The variants for `servers`; Postgres only when reachable (a note says when it is not). */
export async function durabilityVariants(servers: ServerKind[], notes: string[]): Promise<Variant[]> {
  const out: Variant[] = [];
  if (servers.includes('outpost')) {
    out.push({ id: 'outpost-full', label: 'Outpost, SQLite FULL', kind: 'outpost', ack: 'durable ack: committed, fsynced (survives power loss)', outpost: { durability: 'full' } });
    out.push({
      id: 'outpost-process',
      label: 'Outpost, SQLite process-only',
      kind: 'outpost',
      ack: 'durable ack: committed to the WAL (survives a crash, not power loss)',
      outpost: { durability: 'process' },
    });
    if (await postgresReachable())
      out.push({ id: 'outpost-pg', label: 'Outpost, Postgres', kind: 'outpost', ack: 'durable ack: committed, synchronous_commit = on', postgres: true });
    else notes.push('Outpost on Postgres left out: Postgres is not reachable.');
  }
  if (servers.includes('hocuspocus'))
    out.push({ id: 'hocuspocus', label: SERVER_LABELS.hocuspocus, kind: 'hocuspocus', ack: 'SyncStatus: applied in memory only (stored later, debounced)' });
  if (servers.includes('ywss')) out.push({ id: 'ywss', label: SERVER_LABELS.ywss, kind: 'ywss', ack: 'none: the relay echoing the update back stands in (in memory)' });
  return out;
}

/** Starts a variant's server in a fresh data directory; `cleanup` stops it and removes its data (and Postgres schema). */
export async function startVariant(v: Variant): Promise<{ server: ServerProcess; cleanup(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), `outpost-bench-${v.id}-`));
  const schema = v.postgres ? await createBenchSchema() : null;
  try {
    if (v.kind === 'outpost') writeOutpostConfig(dataDir, { ...(v.outpost ?? {}), ...(schema ? { databaseUrl: schema.url } : {}) });
    const server = await ServerProcess.start(v.kind, dataDir);
    return {
      server,
      async cleanup() {
        await server.stop();
        rmSync(dataDir, { recursive: true, force: true });
        await schema?.drop();
      },
    };
  } catch (e) {
    rmSync(dataDir, { recursive: true, force: true });
    await schema?.drop();
    throw e;
  }
}
