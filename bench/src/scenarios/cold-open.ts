/**
 * Scenario 4, cold open: a job whose history is 10,000 field actions.
 *
 * Server: the device sends the 10,000 actions as 10,000 update messages; the server is
 * stopped (peers flush their storage on close) and new server processes start on copies of
 * the same data directory. We time a fresh socket from open to the server's sync step 2,
 * which needs the job loaded from storage (10 processes: median and range), then the same
 * again with the job in memory (warm). Outpost also runs killed with SIGKILL right after
 * the last ack (its log since the last compaction left behind), and on Postgres.
 * Each server keeps its own storage format (Outpost SQLite with its compaction, y-leveldb
 * per-update records, Hocuspocus one merged state).
 *
 * Device: in Chromium (playwright-core, /usr/bin/chromium) a page on 127.0.0.1 writes the
 * same 10,000 actions through y-indexeddb — the device storage Outpost's client uses — and
 * a fresh page load times opening the doc from IndexedDB with performance.now().
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '@outpost/server';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../../test-support/requirements';
import { ServerProcess } from '../harness/server-process';
import { round, summarize } from '../harness/stats';
import { EchoAck, endClock } from '../load/echo-ack';
import { captureUpdates, fieldAction, newFieldDevice } from '../load/field-work';
import { openJob, settle, type Target } from '../load/targets';
import { writeOutpostConfig } from '../servers/outpost';
import { createBenchSchema } from '../servers/postgres-schema';
import { SERVER_LABELS, type ServerKind } from '../servers/server';
import type { BenchContext, ResultRow, Scenario } from './scenario';

/** How the seeding server ends: a graceful stop (compacts every job) or SIGKILL (the log stays as it was). */
type SeedEnd = 'stop' | 'kill';

async function seed(kind: ServerKind, dataDir: string, actions: number, end: SeedEnd = 'stop'): Promise<string> {
  const server = await ServerProcess.start(kind, dataDir);
  try {
    const target: Target = { kind, port: server.port, ...(await server.prepare(2)) };
    const jobId = target.jobIds[0]!;
    const device = newFieldDevice(jobId, 'alice');
    const link = openJob(target, jobId, device.doc);
    await settle(link, kind, 30_000);
    const echo = kind === 'ywss' ? new EchoAck(link.session, device.doc.clientID) : null;
    const updates = captureUpdates(device.doc, () => {
      for (let i = 0; i < actions; i++) fieldAction(device);
    });
    let last = 0;
    for (const [i, u] of updates.entries()) {
      last = link.client.sendUpdate(link.session, u);
      echo?.sent(endClock(u, device.doc.clientID));
      // Pace the pipe: at most 500 unacknowledged updates in flight.
      if (i % 500 === 499) await link.client.waitAck(link.session, last - 250, 60_000);
    }
    await link.client.waitAck(link.session, last, 60_000);
    await link.client.close();
    return jobId;
  } finally {
    if (end === 'kill') await server.kill();
    else await server.stop(true);
  }
}

async function openTime(target: Target, jobId: string): Promise<number> {
  const t0 = performance.now();
  const link = openJob(target, jobId, null, { acks: false });
  try {
    await link.client.waitSynced(link.session, 60_000);
    return performance.now() - t0;
  } finally {
    await link.client.close();
  }
}

/** What a variant measures: cold opens on fresh processes, and one warm figure. */
interface ColdSamples {
  cold: number[];
  warm: number;
}

/**
 * Cold opens of `jobId`, each on a fresh server process over a fresh copy of the seeded
 * data directory (a first open may compact the log, so no sample sees another's work);
 * `restore` puts back data kept outside the directory (Postgres). The first process also
 * times warm opens (job in memory, median of 5).
 */
async function coldSamples(kind: ServerKind, seeded: string, jobId: string, samples: number, restore?: () => Promise<void>): Promise<ColdSamples> {
  const cold: number[] = [];
  let warm = Number.NaN;
  for (let i = 0; i < samples; i++) {
    const dir = mkdtempSync(join(tmpdir(), `outpost-bench-cold-${kind}-sample-`));
    cpSync(seeded, dir, { recursive: true });
    await restore?.();
    const server = await ServerProcess.start(kind, dir);
    try {
      const target: Target = { kind, port: server.port, ...(await server.prepare(2)) };
      // Open another (small) job first, so first-connection costs (JIT, auth setup) are not
      // counted as loading the big job from storage.
      await openTime(target, target.jobIds.find((id) => id !== jobId)!);
      cold.push(await openTime(target, jobId));
      if (i === 0) warm = await warmOpen(target, jobId);
    } finally {
      await server.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { cold, warm };
}

async function warmOpen(target: Target, jobId: string): Promise<number> {
  const warm: number[] = [];
  // A second socket keeps the job loaded (peers unload a job when its last socket closes).
  const holder = openJob(target, jobId, null, { acks: false });
  await holder.client.waitSynced(holder.session, 60_000);
  for (let i = 0; i < 5; i++) warm.push(await openTime(target, jobId));
  await holder.client.close();
  return summarize(warm).p50;
}

function coldFigures({ cold, warm }: ColdSamples, extra: Record<string, number | string> = {}): Record<string, number | string> {
  const s = summarize(cold);
  return {
    'server cold open p50 ms': round(s.p50),
    'cold range ms': `${round(Math.min(...cold))}–${round(s.max)}`,
    samples: cold.length,
    'server warm open ms': round(warm),
    ...extra,
  };
}

async function serverColdOpen(kind: ServerKind, actions: number, samples: number): Promise<Record<string, number | string>> {
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

/** Outpost on SQLite, killed with SIGKILL right after the last ack: the log since the last compaction is left. */
async function outpostAfterKill(actions: number, samples: number): Promise<Record<string, number | string>> {
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-bench-cold-kill-'));
  try {
    const jobId = await seed('outpost', dataDir, actions, 'kill');
    const rows = await sqliteLogRows(dataDir, jobId);
    return coldFigures(await coldSamples('outpost', dataDir, jobId, samples), { 'uncompacted rows': rows });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Outpost on Postgres, after a graceful stop or a SIGKILL. After a kill, each sample starts
 * from the log the kill left (the tables are put back from a copy), since the first open
 * compacts it.
 */
async function outpostOnPostgres(actions: number, samples: number, end: SeedEnd): Promise<Record<string, number | string>> {
  const schema = await createBenchSchema();
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-bench-cold-pg-'));
  try {
    writeOutpostConfig(dataDir, { databaseUrl: schema.url });
    const jobId = await seed('outpost', dataDir, actions, end);
    const count = await schema.pool.query<{ n: string }>('SELECT count(*) AS n FROM job_updates WHERE job_id = $1', [jobId]);
    await schema.pool.query('CREATE TABLE bench_updates AS TABLE job_updates; CREATE TABLE bench_snapshots AS TABLE job_snapshots');
    const restore = async () => {
      await schema.pool.query(
        'BEGIN; TRUNCATE job_updates, job_snapshots; INSERT INTO job_updates SELECT * FROM bench_updates; INSERT INTO job_snapshots SELECT * FROM bench_snapshots; COMMIT',
      );
    };
    return coldFigures(await coldSamples('outpost', dataDir, jobId, samples, restore), { 'uncompacted rows': Number(count.rows[0]!.n) });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
    await schema.drop();
  }
}

async function bundlePage(): Promise<string> {
  const requireFromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
  // esbuild ships with tsx; only the part of its API used here is typed.
  const esbuild = requireFromTsx('esbuild') as {
    build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }>;
  };
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const out = await esbuild.build({
    entryPoints: [fileURLToPath(new URL('../../browser/cold-open-page.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    tsconfig: join(root, 'tsconfig.json'),
    nodePaths: [join(root, 'packages/client/node_modules'), join(root, 'bench/node_modules')],
    logLevel: 'silent',
  });
  return out.outputFiles[0]!.text;
}

async function deviceColdOpen(actions: number): Promise<Record<string, number>> {
  const script = await bundlePage();
  const page = `<!doctype html><meta charset="utf-8"><script type="module" src="/page.js"></script>`;
  const server = http.createServer((req, res) => {
    if (req.url === '/page.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else res.writeHead(200, { 'content-type': 'text/html' }).end(page);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
  try {
    const context = await browser.newContext();
    const tab = await context.newPage();
    await tab.goto(url);
    await tab.waitForFunction(() => 'seedJob' in window);
    await tab.evaluate((n) => (window as unknown as { seedJob(name: string, n: number): Promise<number> }).seedJob('job-cold', n), actions);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await tab.goto(url); // a fresh page: nothing of the doc in memory
      await tab.waitForFunction(() => 'openJob' in window);
      const r = await tab.evaluate(() => (window as unknown as { openJob(name: string): Promise<{ ms: number; length: number }> }).openJob('job-cold'));
      if (r.length < 1) throw new Error('the job doc opened empty from IndexedDB');
      times.push(r.ms);
    }
    return { 'device first open ms': round(times[0]!), 'device open p50 ms': round(summarize(times).p50) };
  } finally {
    await browser.close();
    await new Promise((r) => server.close(r));
  }
}

/** Cold open of a job with 10,000 updates: server from storage, device from IndexedDB. */
export const coldOpen: Scenario = {
  id: 'cold-open',
  title: 'Cold open',
  async run(ctx: BenchContext) {
    const actions = ctx.quick ? 2000 : 10_000;
    const samples = ctx.quick ? 3 : 10;
    const rows: ResultRow[] = [];
    const failed = (e: unknown) => ({ error: String(e).split('\n')[0]! });
    for (const kind of ctx.servers) {
      ctx.log(`  cold open: ${kind}`);
      rows.push({ label: SERVER_LABELS[kind], server: kind, figures: await serverColdOpen(kind, actions, samples) });
    }
    if (ctx.servers.includes('outpost')) {
      ctx.log('  cold open: outpost after SIGKILL');
      rows.push({ label: 'Outpost, after SIGKILL (uncompacted log)', server: 'outpost', figures: await outpostAfterKill(actions, samples).catch(failed) });
      for (const end of ['stop', 'kill'] as const) {
        ctx.log(`  cold open: outpost on Postgres (${end})`);
        const label = end === 'stop' ? 'Outpost on Postgres' : 'Outpost on Postgres, after SIGKILL';
        rows.push({ label, server: 'outpost', figures: await outpostOnPostgres(actions, samples, end).catch(failed) });
      }
    }
    ctx.log('  cold open: Chromium + y-indexeddb');
    const device = await deviceColdOpen(actions).catch((e: unknown) => ({ error: String(e).split('\n')[0]! }));
    rows.push({ label: 'Device: Chromium, y-indexeddb (Outpost client storage)', server: 'outpost', figures: device });
    return {
      id: 'cold-open',
      title: `Cold open (${actions} updates of history)`,
      rows,
      ratios: {},
      notes: [
        `Server open = websocket open to the sync step 2 reply on a fresh process (job not in memory): median and range of ${samples} processes, each on its own copy of the seeded data; warm = with the job loaded (median of 5); both include the loopback handshake.`,
        'Rows without "after SIGKILL" were seeded and then stopped gracefully (Outpost compacts on unload). "After SIGKILL": the seeding server was killed right after the last durable ack, leaving the log written since the last compaction (every 500 updates) behind the snapshot ("uncompacted rows").',
        'Device open = new IndexeddbPersistence → whenSynced on a freshly loaded page; first of 5 and median of 5.',
      ],
    };
  },
};
