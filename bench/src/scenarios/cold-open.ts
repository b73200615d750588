/**
 * Scenario 4, cold open: a job whose history is 10,000 field actions.
 *
 * Server: the device sends the 10,000 actions as 10,000 update messages; the server is
 * stopped (peers flush their storage on close) and a new server process starts on the same
 * data directory. We time a fresh socket from open until the job's content is at the
 * device (the sync step 2, unless it came without the content), which needs the job loaded
 * from storage, then the same again with the job in memory (warm).
 * Each server keeps its own storage format (Outpost SQLite with its compaction, y-leveldb
 * per-update records, Hocuspocus one merged state).
 * (Device open is scenarios/device-open.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerProcess } from '../harness/server-process';
import * as Y from 'yjs';
import { round, showSpread, spread, summarize, waitFor } from '../harness/stats';
import { seedBigJob } from '../load/big-job';
import { EchoAck, endClock } from '../load/echo-ack';
import { captureUpdates, fieldAction, newFieldDevice } from '../load/field-work';
import { openJob, settle, type Target } from '../load/targets';
import { SERVER_LABELS, type ServerKind } from '../servers/server';
import { rangeBars } from '../report/svg';
import type { BenchContext, Chart, ResultRow, Scenario } from './scenario';

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
    // The warm-up job gets content too, so warming the JIT exercises the same load path.
    const warmJob = await seedBigJob(target, target.jobIds[1]!, 200);
    await warmJob.link.client.close();
    return jobId;
  } finally {
    await server.stop(true);
  }
}

/** Open time: socket open to the job's content at the device (issue 18.4: a step 2 without it does not count). */
async function openTime(target: Target, jobId: string): Promise<{ ms: number; step2Complete: boolean }> {
  const doc = new Y.Doc();
  const hasContent = () => doc.getArray('notes').length > 0;
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

async function serverColdOpen(kind: ServerKind, actions: number, samples: number): Promise<Pick<ResultRow, 'figures' | 'spreads'>> {
  const dataDir = mkdtempSync(join(tmpdir(), `outpost-bench-cold-${kind}-`));
  try {
    const jobId = await seed(kind, dataDir, actions);
    const cold: number[] = [];
    const warm: number[] = [];
    let complete = 0;
    // A fresh server process per sample, after a clean shutdown of the previous one.
    for (let i = 0; i < samples; i++) {
      const server = await ServerProcess.start(kind, dataDir);
      try {
        const target: Target = { kind, port: server.port, ...(await server.prepare(2)) };
        // Open another job with content first, so first-connection costs (JIT, auth setup) are not
        // counted as loading the big job from storage.
        await openTime(target, target.jobIds.find((id) => id !== jobId)!);
        const c = await openTime(target, jobId);
        cold.push(c.ms);
        if (c.step2Complete) complete++;
        if (i > 0) continue;
        // A second socket keeps the job loaded (peers unload a job when its last socket closes).
        const holder = openJob(target, jobId, null, { acks: false });
        await holder.client.waitSynced(holder.session, 60_000);
        for (let w = 0; w < 5; w++) warm.push((await openTime(target, jobId)).ms);
        await holder.client.close();
      } finally {
        await server.stop();
      }
    }
    const figures = {
      'server cold open ms': showSpread(spread(cold)),
      'server warm open ms': round(summarize(warm).p50),
      'step 2 carried the content': complete === samples ? `${complete}/${samples}` : `${complete}/${samples} (invalid step 2: timed to the content)`,
    };
    return { figures, spreads: { 'server cold open ms': spread(cold) } };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Median and range of every row that has repeated cold-open samples. */
function coldOpenChart(rows: ResultRow[], actions: number): Chart {
  const bars = rows.flatMap((r) => (r.spreads?.['server cold open ms'] ? [{ label: r.label, ...r.spreads['server cold open ms'] }] : []));
  return { file: 'cold-open.svg', title: 'Cold open per path', svg: rangeBars(`Cold open of a ${actions}-update job (median, range)`, 'ms', bars) };
}

/** Cold open of a job with 10,000 updates from the server's storage. */
export const coldOpen: Scenario = {
  id: 'cold-open',
  title: 'Cold open',
  async run(ctx: BenchContext) {
    const actions = ctx.quick ? 2000 : 10_000;
    const rows: ResultRow[] = [];
    for (const kind of ctx.servers) {
      ctx.log(`  cold open: ${kind}`);
      rows.push({ label: SERVER_LABELS[kind], server: kind, ...(await serverColdOpen(kind, actions, ctx.quick ? 3 : 10)) });
    }
    return {
      id: 'cold-open',
      title: `Cold open (${actions} updates of history)`,
      rows,
      ratios: {},
      charts: [coldOpenChart(rows, actions)],
      notes: [
        'Server open = websocket open until the job\'s content is at the device, on a fresh process after a clean shutdown (job not in memory; 10 samples, a new process each, median (range)) vs. with the job loaded (warm, median of 5); both include the loopback handshake. A sync step 2 without the content (y-websocket-server answers before its LevelDB state is bound) does not count: the time runs on to the content and the row says so.',
        'Device open has its own scenario (device-open): the client\'s JobSession in a fresh Chromium per sample.',
      ],
    };
  },
};
