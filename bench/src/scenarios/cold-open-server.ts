/**
 * Server side of scenario 4 (cold open): seeds a job with the device's actions, ends the
 * seeding server (gracefully or with SIGKILL), and times cold opens on fresh server
 * processes, each over its own copy of the seeded data — for every server, and for
 * Outpost after SIGKILL and on Postgres.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '@outpost/server';
import { emptyGeneratorYoungGeneration } from '../harness/generator-flags';
import { ServerProcess } from '../harness/server-process';
import * as Y from 'yjs';
import { round, summarize, waitFor } from '../harness/stats';
import { seedBigJob } from '../load/big-job';
import { EchoAck, endClock } from '../load/echo-ack';
import { captureUpdates, fieldAction, newFieldDevice, typeKey } from '../load/field-work';
import { openJob, settle, type Target } from '../load/targets';
import { writeOutpostConfig } from '../servers/outpost';
import { createBenchSchema } from '../servers/postgres-schema';
import type { ServerKind } from '../servers/server';

/** How the seeding server ends: a graceful stop (compacts every job) or SIGKILL (the log stays as it was). */
export type SeedEnd = 'stop' | 'kill';

/**
 * For the SIGKILL rows, the seeding goes on with keystrokes until at least this many
 * updates sit behind the snapshot (the relay compacts every 500, so 10,000 actions alone
 * may leave almost none), as in issue 14's example of ~350 rows.
 */
export const KILL_TAIL = 350;

/** Counts the updates stored behind a job's snapshot while its server runs. */
export type LogRows = (jobId: string) => Promise<number>;

/**
 * Seeds `actions` field actions; with `tail`, keystrokes follow until the log holds that
 * many rows. The warm-up job is seeded first, so a SIGKILL follows the big job's last ack
 * at once: closing its socket first would let the relay compact the job on unload.
 */
async function seed(kind: ServerKind, dataDir: string, actions: number, end: SeedEnd = 'stop', tail?: LogRows): Promise<string> {
  const server = await ServerProcess.start(kind, dataDir);
  try {
    const target: Target = { kind, port: server.port, ...(await server.prepare(2)) };
    const jobId = target.jobIds[0]!;
    // The warm-up job gets content too, so warming the JIT exercises the same load path.
    const warmJob = await seedBigJob(target, target.jobIds[1]!, 200);
    await warmJob.link.client.close();
    const device = newFieldDevice(jobId, 'alice');
    const link = openJob(target, jobId, device.doc);
    await settle(link, kind, 30_000);
    const echo = kind === 'ywss' ? new EchoAck(link.session, device.doc.clientID) : null;
    const send = async (updates: Uint8Array[]) => {
      let last = 0;
      for (const [i, u] of updates.entries()) {
        last = link.client.sendUpdate(link.session, u);
        echo?.sent(endClock(u, device.doc.clientID));
        // Pace the pipe: at most 500 unacknowledged updates in flight.
        if (i % 500 === 499) await link.client.waitAck(link.session, last - 250, 60_000);
      }
      await link.client.waitAck(link.session, last, 60_000);
    };
    await send(
      captureUpdates(device.doc, () => {
        for (let i = 0; i < actions; i++) fieldAction(device);
      }),
    );
    for (let round = 0; tail && round < 5; round++) {
      const missing = KILL_TAIL - (await tail(jobId));
      if (missing <= 0) break;
      await send(
        captureUpdates(device.doc, () => {
          for (let i = 0; i < missing; i++) typeKey(device);
        }),
      );
    }
    if (end === 'kill') await server.kill();
    await link.client.close();
    return jobId;
  } finally {
    if (end === 'kill') await server.kill();
    else await server.stop(true);
  }
}

/** Socket open until the job's content is at the device (issue 18.4: a step 2 without it does not count). */
async function openTime(target: Target, jobId: string): Promise<{ ms: number; step2Complete: boolean }> {
  const doc = new Y.Doc();
  const hasContent = () => doc.getArray('notes').length > 0;
  // The device's apply of the answer is timed too: not the generator's own young collection in it.
  emptyGeneratorYoungGeneration();
  const t0 = performance.now();
  const link = openJob(target, jobId, doc, { acks: false });
  try {
    await link.client.waitSynced(link.session, 60_000);
    const step2Complete = hasContent();
    // A server that answers before its storage is bound (y-websocket-server) sends the content later: wait for it.
    if (!step2Complete && !(await waitFor(hasContent, 10_000, 1))) throw new Error(`${target.kind}: the job's content never arrived`);
    return { ms: performance.now() - t0, step2Complete };
  } finally {
    await link.client.close();
  }
}

/** What a variant measures: cold opens on fresh processes, and one warm figure. */
interface ColdSamples {
  cold: number[];
  /** Fork to listening of each sample's fresh process (crash recovery included). */
  start: number[];
  warm: number;
  /** Samples whose sync step 2 already carried the content. */
  complete: number;
  /** Rows behind the job's snapshot right before each timed open (what the open had to merge), when counted. */
  rowsAtOpen: number[];
}

/**
 * Cold opens of `jobId`, each on a fresh server process over a fresh copy of the seeded
 * data directory (a first open may compact the log, so no sample sees another's work);
 * `restore` puts back data kept outside the directory (Postgres). The first process also
 * times warm opens (job in memory, median of 5).
 */
async function coldSamples(
  kind: ServerKind,
  seeded: string,
  jobId: string,
  samples: number,
  restore?: () => Promise<void>,
  rowsIn?: (dir: string) => LogRows,
): Promise<ColdSamples> {
  const rowsAtOpen: number[] = [];
  const cold: number[] = [];
  const start: number[] = [];
  let warm = Number.NaN;
  let complete = 0;
  for (let i = 0; i < samples; i++) {
    const dir = mkdtempSync(join(tmpdir(), `outpost-bench-cold-${kind}-sample-`));
    cpSync(seeded, dir, { recursive: true });
    await restore?.();
    const t0 = performance.now();
    const server = await ServerProcess.start(kind, dir);
    start.push(performance.now() - t0);
    try {
      const target: Target = { kind, port: server.port, ...(await server.prepare(2)) };
      // Open another job with content first, so first-connection costs (JIT, auth setup) are
      // not counted as loading the big job from storage.
      await openTime(
        target,
        target.jobIds.find((id) => id !== jobId)!,
      );
      if (rowsIn) rowsAtOpen.push(await rowsIn(dir)(jobId));
      const c = await openTime(target, jobId);
      cold.push(c.ms);
      if (c.step2Complete) complete++;
      if (i === 0) warm = await warmOpen(target, jobId);
    } finally {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { cold, start, warm, complete, rowsAtOpen };
}

async function warmOpen(target: Target, jobId: string): Promise<number> {
  const warm: number[] = [];
  // A second socket keeps the job loaded (peers unload a job when its last socket closes).
  const holder = openJob(target, jobId, null, { acks: false });
  await holder.client.waitSynced(holder.session, 60_000);
  for (let i = 0; i < 5; i++) warm.push((await openTime(target, jobId)).ms);
  await holder.client.close();
  return summarize(warm).p50;
}

function coldFigures({ cold, start, warm, complete, rowsAtOpen }: ColdSamples, extra: Record<string, number | string> = {}): Record<string, number | string> {
  const s = summarize(cold);
  if (rowsAtOpen.length > 0) extra = { ...extra, 'rows at open (max)': Math.max(...rowsAtOpen) };
  return {
    'server cold open p50 ms': round(s.p50),
    'cold range ms': `${round(Math.min(...cold))}–${round(s.max)}`,
    samples: cold.length,
    'process start p50 ms': round(summarize(start).p50),
    'server warm open ms': round(warm),
    'step 2 carried the content': complete === cold.length ? `${complete}/${cold.length}` : `${complete}/${cold.length} (invalid step 2: timed to the content)`,
    ...extra,
  };
}

/** A server kind, seeded and then stopped gracefully (peers flush their storage on close). */
export async function serverColdOpen(kind: ServerKind, actions: number, samples: number): Promise<Record<string, number | string>> {
  const dataDir = mkdtempSync(join(tmpdir(), `outpost-bench-cold-${kind}-`));
  try {
    const jobId = await seed(kind, dataDir, actions);
    return coldFigures(await coldSamples(kind, dataDir, jobId, samples));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Rows of a job's log behind its snapshot in a SQLite data directory (read from a copy: opening checkpoints the WAL). */
async function sqliteLogRows(dataDir: string, jobId: string): Promise<number> {
  const copy = mkdtempSync(join(tmpdir(), 'outpost-bench-count-'));
  try {
    cpSync(dataDir, copy, { recursive: true });
    const store = new SqliteStore(join(copy, 'outpost.db'));
    try {
      return await store.countJobUpdates(jobId);
    } finally {
      await store.close();
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Rows of a job's log behind its snapshot, read on a running server's SQLite file (a second connection: WAL lets it read alongside). */
function liveSqliteRows(dataDir: string): LogRows {
  return async (id) => {
    const store = new SqliteStore(join(dataDir, 'outpost.db'));
    try {
      return await store.countJobUpdates(id);
    } finally {
      await store.close();
    }
  };
}

/** The log a SIGKILL left, flagged when the seeding fell short of `KILL_TAIL` (the row then does not test the log it claims to). */
function leftRows(rows: number): number | string {
  return rows >= KILL_TAIL ? rows : `${rows} (short of ${KILL_TAIL})`;
}

/** Outpost on SQLite, killed with SIGKILL right after the last ack: the log since the last compaction is left. */
export async function outpostAfterKill(actions: number, samples: number): Promise<Record<string, number | string>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-bench-cold-kill-'));
  try {
    const jobId = await seed('outpost', dataDir, actions, 'kill', liveSqliteRows(dataDir));
    const rows = await sqliteLogRows(dataDir, jobId);
    return coldFigures(await coldSamples('outpost', dataDir, jobId, samples, undefined, liveSqliteRows), { 'uncompacted rows': leftRows(rows) });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Outpost on Postgres, after a graceful stop or a SIGKILL. After a kill, each sample starts
 * from the log the kill left (the tables are put back from a copy), since the first open
 * compacts it.
 */
export async function outpostOnPostgres(actions: number, samples: number, end: SeedEnd): Promise<Record<string, number | string>> {
  const schema = await createBenchSchema();
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-bench-cold-pg-'));
  try {
    writeOutpostConfig(dataDir, { databaseUrl: schema.url });
    const logRows: LogRows = async (id) => Number((await schema.pool.query<{ n: string }>('SELECT count(*) AS n FROM job_updates WHERE job_id = $1', [id])).rows[0]!.n);
    const jobId = await seed('outpost', dataDir, actions, end, end === 'kill' ? logRows : undefined);
    const rows = await logRows(jobId);
    await schema.pool.query('CREATE TABLE bench_updates AS TABLE job_updates; CREATE TABLE bench_snapshots AS TABLE job_snapshots');
    const restore = async () => {
      await schema.pool.query(
        'BEGIN; TRUNCATE job_updates, job_snapshots; INSERT INTO job_updates SELECT * FROM bench_updates; INSERT INTO job_snapshots SELECT * FROM bench_snapshots; COMMIT',
      );
    };
    const counted = end === 'kill' ? () => logRows : undefined;
    return coldFigures(await coldSamples('outpost', dataDir, jobId, samples, restore, counted), { 'uncompacted rows': end === 'kill' ? leftRows(rows) : rows });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await schema.drop();
  }
}
