/**
 * Scenario 1, reconnect catch-up: a device made K offline actions (note typing, checklist
 * ticks, time entries) and reconnects over a link with 50 ms one-way delay. We time from
 * opening the socket until every action is acknowledged (Outpost: durable ack; Hocuspocus:
 * SyncStatus; y-websocket-server: the relay's echo covering the device's last clock), and
 * count bytes and client turns at the proxy.
 *
 * The device is a y-protocols client holding the job doc (see README: it sends one sync
 * step 2 and waits for the ack). Baseline: what queue-replay field apps do — one request
 * per action, in order, each awaited — replayed against Outpost over the same link, one
 * update message per action awaiting its durable ack; measured on the first N actions and
 * extrapolated to K (a full replay at K = 10,000 would take over 1,000 s).
 */
import * as Y from 'yjs';
import { startDelayProxy, type DelayProxy } from '../harness/delay-proxy';
import { ServerProcess } from '../harness/server-process';
import { round } from '../harness/stats';
import { captureUpdates, fieldAction, newFieldDevice } from '../load/field-work';
import { openJob, type JobLink, type Target } from '../load/targets';
import { SERVER_LABELS, type ServerKind } from '../servers/server';
import type { BenchContext, ResultRow, Scenario } from './scenario';

const ONE_WAY_MS = 50;

/** Resolves when the server has acknowledged everything the device holds. */
function caughtUp(link: JobLink, kind: ServerKind, doc: Y.Doc, timeoutMs: number): Promise<void> {
  if (kind !== 'ywss') return link.client.waitSynced(link.session, timeoutMs).then(() => link.client.waitAck(link.session, link.session.contentSent, timeoutMs));
  const clock = Y.getState(doc.store, doc.clientID);
  let echoed = false;
  const previous = link.session.onUpdate;
  link.session.onUpdate = (update, at) => {
    previous?.(update, at);
    if ((Y.parseUpdateMeta(update).to.get(doc.clientID) ?? 0) >= clock) echoed = true;
  };
  // Synced first: the device's step 2 only goes out in answer to the server's step 1.
  return link.client.waitSynced(link.session, timeoutMs).then(async () => {
    const end = Date.now() + timeoutMs;
    while (!echoed && Date.now() < end) await new Promise((r) => setTimeout(r, 1));
    if (!echoed) throw new Error('y-websocket-server never echoed the device state');
  });
}

function linkFigures(proxy: DelayProxy, ms: number) {
  return {
    'time ms': round(ms),
    'KB up': round(proxy.counters.bytesUp / 1024),
    'KB down': round(proxy.counters.bytesDown / 1024),
    'client turns': proxy.counters.turns,
    'elapsed ÷ RTT': round(ms / (2 * ONE_WAY_MS)),
  };
}

async function catchUp(target: Target, jobId: string, proxy: DelayProxy, k: number): Promise<Record<string, number>> {
  const device = newFieldDevice(jobId, 'alice');
  for (let i = 0; i < k; i++) fieldAction(device);
  proxy.reset();
  const t0 = performance.now();
  const link = openJob(target, jobId, device.doc, { port: proxy.port });
  try {
    await caughtUp(link, target.kind, device.doc, 60_000);
    return linkFigures(proxy, performance.now() - t0);
  } finally {
    await link.client.close();
  }
}

/** One update message per action, each awaited: returns ms per action over `n` actions. */
async function sequentialReplay(target: Target, jobId: string, proxy: DelayProxy, n: number): Promise<{ msPerAction: number; bytesPerAction: number }> {
  const device = newFieldDevice(jobId, 'alice');
  const link = openJob(target, jobId, null, { port: proxy.port });
  try {
    await link.client.waitAck(link.session, 1, 30_000); // handshake done before timing starts
    // The job's note and checklist exist before the offline actions, as in catchUp.
    await link.client.waitAck(link.session, link.client.sendUpdate(link.session, Y.encodeStateAsUpdate(device.doc)), 30_000);
    const updates = captureUpdates(device.doc, () => {
      for (let i = 0; i < n; i++) fieldAction(device);
    });
    proxy.reset();
    const t0 = performance.now();
    for (const update of updates) await link.client.waitAck(link.session, link.client.sendUpdate(link.session, update), 30_000);
    return { msPerAction: (performance.now() - t0) / updates.length, bytesPerAction: (proxy.counters.bytesUp + proxy.counters.bytesDown) / updates.length };
  } finally {
    await link.client.close();
  }
}

/** Reconnect catch-up: K offline actions over a 50 ms link; ratio against sequential replay. */
export const catchUpScenario: Scenario = {
  id: 'catch-up',
  title: 'Reconnect catch-up',
  async run(ctx: BenchContext) {
    const ks = ctx.quick ? [100, 1000] : [100, 1000, 10_000];
    const replayN = ctx.quick ? 20 : 100;
    const rows: ResultRow[] = [];
    const ratios: Record<string, number> = {};
    for (const kind of ctx.servers) {
      const server = await ServerProcess.start(kind);
      const proxy = await startDelayProxy(server.port, ONE_WAY_MS);
      try {
        // A job per K, so the server never already holds the device's actions, and one for the replay.
        const target: Target = { kind, port: server.port, ...(await server.prepare(ks.length + 1)) };
        for (const [i, k] of ks.entries()) {
          ctx.log(`  catch-up: ${kind} K=${k}`);
          rows.push({ label: `${SERVER_LABELS[kind]} K=${k}`, server: kind, figures: await catchUp(target, target.jobIds[i]!, proxy, k) });
        }
        if (kind === 'outpost') {
          ctx.log(`  catch-up: sequential replay baseline (${replayN} actions)`);
          const replay = await sequentialReplay(target, target.jobIds[ks.length]!, proxy, replayN);
          for (const k of ks) {
            const ms = replay.msPerAction * k;
            rows.push({
              label: `Baseline: sequential replay K=${k}`,
              server: 'baseline',
              figures: { 'time ms': round(ms), 'KB up': NaN, 'KB down': NaN, 'client turns': k, 'elapsed ÷ RTT': round(ms / (2 * ONE_WAY_MS)), 'KB total (est.)': round((replay.bytesPerAction * k) / 1024) },
            });
            const outpost = rows.find((r) => r.label === `${SERVER_LABELS.outpost} K=${k}`)!;
            ratios[`sequential replay ÷ Outpost at K=${k}${k === 1000 ? ' (target ≥ 500)' : ''}`] = ms / (outpost.figures['time ms'] as number);
          }
        }
      } finally {
        await proxy.close();
        await server.stop();
      }
    }
    return {
      id: 'catch-up',
      title: 'Reconnect catch-up (50 ms one-way delay)',
      rows,
      ratios,
      notes: [
        'Device: a y-protocols client holding the job doc with K offline actions (80 % note keystrokes, 10 % checklist ticks, 10 % time entries); it sends sync step 1 on open and one sync step 2 answering the server\'s step 1.',
        `Time runs from opening the socket (TCP + websocket handshake included) to the acknowledgement of everything the device holds. "client turns" counts the client sending after having received (the request/response legs the link makes it wait for); "elapsed ÷ RTT" is the time in round trips of ${2 * ONE_WAY_MS} ms.`,
        `Baseline: one update message per action against Outpost over the same link, each awaiting its durable ack; measured on ${replayN} actions and extrapolated linearly.`,
      ],
    };
  },
};
