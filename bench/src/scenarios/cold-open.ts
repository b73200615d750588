/**
 * Scenario 4, cold open: a job whose history is 10,000 field actions.
 *
 * Server: the device sends the 10,000 actions as 10,000 update messages; the server is
 * stopped (peers flush their storage on close) and a new server process starts on the same
 * data directory. We time a fresh socket from open to the server's sync step 2, which
 * needs the job loaded from storage, then the same again with the job in memory (warm).
 * Each server keeps its own storage format (Outpost SQLite with its compaction, y-leveldb
 * per-update records, Hocuspocus one merged state).
 *
 * Device: in Chromium (playwright-core, /usr/bin/chromium) a page on 127.0.0.1 writes the
 * same 10,000 actions through y-indexeddb — the device storage Outpost's client uses — and
 * a fresh page load times opening the doc from IndexedDB with performance.now().
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { chromiumArgs, chromiumPath } from '../../../test-support/requirements';
import { ServerProcess } from '../harness/server-process';
import { round, summarize } from '../harness/stats';
import { EchoAck, endClock } from '../load/echo-ack';
import { captureUpdates, fieldAction, newFieldDevice } from '../load/field-work';
import { openJob, settle, type Target } from '../load/targets';
import { SERVER_LABELS, type ServerKind } from '../servers/server';
import type { BenchContext, ResultRow, Scenario } from './scenario';

async function seed(kind: ServerKind, dataDir: string, actions: number): Promise<string> {
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
    await server.stop(true);
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

async function serverColdOpen(kind: ServerKind, actions: number): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(join(tmpdir(), `outpost-bench-cold-${kind}-`));
  try {
    const jobId = await seed(kind, dataDir, actions);
    const server = await ServerProcess.start(kind, dataDir);
    try {
      const target: Target = { kind, port: server.port, ...(await server.prepare(2)) };
      // Open another (small) job first, so first-connection costs (JIT, auth setup) are not
      // counted as loading the big job from storage.
      await openTime(target, target.jobIds.find((id) => id !== jobId)!);
      const cold = await openTime(target, jobId);
      const warm: number[] = [];
      // A second socket keeps the job loaded (peers unload a job when its last socket closes).
      const holder = openJob(target, jobId, null, { acks: false });
      await holder.client.waitSynced(holder.session, 60_000);
      for (let i = 0; i < 5; i++) warm.push(await openTime(target, jobId));
      await holder.client.close();
      return { 'server cold open ms': round(cold), 'server warm open ms': round(summarize(warm).p50) };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
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
    const rows: ResultRow[] = [];
    for (const kind of ctx.servers) {
      ctx.log(`  cold open: ${kind}`);
      rows.push({ label: SERVER_LABELS[kind], server: kind, figures: await serverColdOpen(kind, actions) });
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
        'Server open = websocket open to the sync step 2 reply on a fresh process (job not in memory) vs. with the job loaded (warm, median of 5); both include the loopback handshake.',
        'Device open = new IndexeddbPersistence → whenSynced on a freshly loaded page; first of 5 and median of 5.',
      ],
    };
  },
};
