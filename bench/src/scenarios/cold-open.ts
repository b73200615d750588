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
import http from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../../test-support/requirements';
import { round, summarize } from '../harness/stats';
import { SERVER_LABELS } from '../servers/server';
import { KILL_TAIL, outpostAfterKill, outpostOnPostgres, serverColdOpen } from './cold-open-server';
import type { BenchContext, ResultRow, Scenario } from './scenario';

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
        `Rows without "after SIGKILL" were seeded and then stopped gracefully (Outpost compacts on unload). "After SIGKILL": after the actions, keystrokes until at least ${KILL_TAIL} updates sit behind the last compaction (the relay compacts every 500), then the seeding server was killed right after the last durable ack ("uncompacted rows" = the log left behind the snapshot).`,
        'Device open = new IndexeddbPersistence → whenSynced on a freshly loaded page; first of 5 and median of 5.',
      ],
    };
  },
};
