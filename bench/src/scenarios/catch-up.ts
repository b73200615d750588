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
import { alone, ServerProcess } from '../harness/server-process';
import { interleaved, round, showSpread, spread } from '../harness/stats';
import { captureUpdates, fieldAction, newFieldDevice } from '../load/field-work';
import { openJob, type JobLink, type Target } from '../load/targets';
import { SERVER_LABELS, type ServerKind } from '../servers/server';
import { judge, type BenchContext, type ResultRow, type Scenario, type TargetLine } from './scenario';

const ONE_WAY_MS = 50;
/**
 * Catch-ups each server serves before the measured ones (every K, on jobs of their own,
 * over an undelayed proxy): the figure is a server that has served devices before, as in
 * many-jobs, not the first sync of a fresh process compiling its code paths.
 */
const WARM_ROUNDS = 4;

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

/** One catch-up: link figures plus the Yjs diff both ways (what the bytes are compared with). */
async function catchUp(target: Target, jobId: string, proxy: DelayProxy, k: number): Promise<Record<string, number>> {
  const device = newFieldDevice(jobId, 'alice');
  for (let i = 0; i < k; i++) fieldAction(device);
  const before = Y.encodeStateVector(device.doc);
  proxy.reset();
  const t0 = performance.now();
  const link = openJob(target, jobId, device.doc, { port: proxy.port });
  try {
    await caughtUp(link, target.kind, device.doc, 60_000);
    const ms = performance.now() - t0;
    // The least Yjs can send: the device's diff against the server's state vector (its step 2)
    // and the server's diff against the device's state (what the device now has that it lacked).
    const diff = (link.session.step2SentBytes ?? 0) + Y.encodeStateAsUpdate(device.doc, before).length;
    const wire = proxy.counters.bytesUp + proxy.counters.bytesDown;
    return { ...linkFigures(proxy, ms), 'Yjs diff KB': round(diff / 1024), 'wire ÷ Yjs diff': round(wire / diff) };
  } finally {
    await link.client.close();
  }
}

/** Catch-ups at every K in turn on `jobIds`, over an undelayed proxy (the warm-up before the measured ones). */
async function warmUp(target: Target, serverPort: number, jobIds: readonly string[], ks: readonly number[]): Promise<void> {
  const fast = await startDelayProxy(serverPort, 0);
  try {
    for (const [i, jobId] of jobIds.entries()) await catchUp(target, jobId, fast, ks[i % ks.length]!);
  } finally {
    await fast.close();
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

/**
 * How the K = 1,000 ratio works out: the baseline replays against Outpost itself, one round
 * trip plus Outpost's per-update overhead x per action, and the catch-up takes two round
 * trips plus its overhead y, so (RTT + x)·1000 ÷ (2·RTT + y) ≥ 500 exactly when y ≤ 2x. A
 * quicker durable ack shortens x and y alike and lowers the ratio; only what the catch-up
 * spends beyond a single update's ack (the handshake, judging and applying a large update)
 * moves it up.
 */
function ratioMechanics(msPerAction: number, outpostAt1000: number): string[] {
  const rtt = 2 * ONE_WAY_MS;
  if (!Number.isFinite(msPerAction) || !Number.isFinite(outpostAt1000)) return [];
  const x = msPerAction - rtt;
  const y = outpostAt1000 - 2 * rtt;
  return [
    `The ratio at K = 1,000 is (RTT + x)·1000 ÷ (2·RTT + y), x the replay's time per action beyond one round trip (here ${round(x)} ms: Outpost's durable ack of one update, the link and the generator) and y the catch-up's beyond two (here ${round(y)} ms): ≥ 500× exactly when y ≤ 2x (here ${round(y)} against ${round(2 * x)}). A quicker durable ack shortens both x and y and lowers the ratio; only what the catch-up spends beyond one update's ack (the websocket handshake, judging and applying a 1,000-action update) moves it.`,
  ];
}

function medianRow(label: string, server: ServerKind, runs: Record<string, number>[]): ResultRow {
  const figures: Record<string, number | string> = { runs: runs.length };
  for (const key of Object.keys(runs[0] ?? {})) {
    const sp = spread(runs.map((r) => r[key]!));
    figures[key] = key === 'time ms' ? showSpread(sp) : round(sp.median);
  }
  return { label, server, figures };
}

/** Reconnect catch-up: K offline actions over a 50 ms link; ratio against sequential replay. */
export const catchUpScenario: Scenario = {
  id: 'catch-up',
  title: 'Reconnect catch-up',
  async run(ctx: BenchContext) {
    const ks = ctx.quick ? [100, 1000] : [100, 1000, 10_000];
    const replayN = ctx.quick ? 20 : 100;
    const rigs: { kind: ServerKind; server: ServerProcess; proxy: DelayProxy; target: Target }[] = [];
    const samples = new Map<string, Record<string, number>[]>();
    let replay = { msPerAction: NaN, bytesPerAction: NaN };
    try {
      for (const kind of ctx.servers) {
        const server = await ServerProcess.start(kind);
        const proxy = await startDelayProxy(server.port, ONE_WAY_MS);
        // A job per K and run, so the server never already holds the device's actions, one for the replay, then the warm-up's.
        rigs.push({ kind, server, proxy, target: { kind, port: server.port, ...(await server.prepare(ks.length * (ctx.runs + WARM_ROUNDS) + 1)) } });
      }
      const firstWarmJob = ks.length * ctx.runs + 1;
      for (const rig of rigs) {
        const jobs = rig.target.jobIds.slice(firstWarmJob, firstWarmJob + ks.length * WARM_ROUNDS);
        await alone(
          rigs.map((x) => x.server),
          rig.server,
          () => warmUp(rig.target, rig.server.port, jobs, ks),
        );
      }
      for (let r = 0; r < ctx.runs; r++) {
        for (const rig of interleaved(rigs, r)) {
          for (const [i, k] of ks.entries()) {
            const figures = await alone(
              rigs.map((x) => x.server),
              rig.server,
              () => catchUp(rig.target, rig.target.jobIds[r * ks.length + i]!, rig.proxy, k),
            );
            ctx.log(`  catch-up: ${rig.kind} K=${k} run ${r + 1}: ${figures['time ms']} ms, wire ÷ diff ${figures['wire ÷ Yjs diff']}`);
            const key = `${rig.kind}:${k}`;
            samples.set(key, [...(samples.get(key) ?? []), figures]);
          }
        }
      }
      const outpost = rigs.find((x) => x.kind === 'outpost');
      if (outpost) {
        ctx.log(`  catch-up: sequential replay baseline (${replayN} actions)`);
        replay = await alone(
          rigs.map((x) => x.server),
          outpost.server,
          () => sequentialReplay(outpost.target, outpost.target.jobIds[ks.length * ctx.runs]!, outpost.proxy, replayN),
        );
      }
    } finally {
      for (const rig of rigs) {
        await rig.proxy.close();
        await rig.server.stop();
      }
    }
    const rows: ResultRow[] = [];
    for (const kind of ctx.servers) for (const k of ks) rows.push(medianRow(`${SERVER_LABELS[kind]} K=${k}`, kind, samples.get(`${kind}:${k}`) ?? []));
    const ratios: Record<string, number> = {};
    const targets: TargetLine[] = [];
    const outpostMs = (k: number) => spread((samples.get(`outpost:${k}`) ?? []).map((f) => f['time ms']!)).median;
    const outpostWire = (k: number) => spread((samples.get(`outpost:${k}`) ?? []).map((f) => f['wire ÷ Yjs diff']!)).median;
    if (ctx.servers.includes('outpost')) {
      for (const k of ks) {
        const ms = replay.msPerAction * k;
        rows.push({
          label: `Baseline: sequential replay K=${k}`,
          server: 'baseline',
          figures: { 'time ms': round(ms), 'client turns': k, 'elapsed ÷ RTT': round(ms / (2 * ONE_WAY_MS)), 'KB total (est.)': round((replay.bytesPerAction * k) / 1024) },
        });
        ratios[`sequential replay ÷ Outpost at K=${k}`] = ms / outpostMs(k);
      }
      targets.push(judge('catch-up at K=1000: sequential replay ÷ Outpost', '≥ 500×', ratios['sequential replay ÷ Outpost at K=1000']!, (v) => v >= 500));
      for (const k of ks.filter((x) => x >= 1000)) targets.push(judge(`catch-up bytes at K=${k}: Outpost wire bytes ÷ Yjs diff`, '≤ 1.1×', outpostWire(k), (v) => v <= 1.1));
    }
    return {
      id: 'catch-up',
      title: 'Reconnect catch-up (50 ms one-way delay)',
      rows,
      ratios,
      targets,
      notes: [
        "Device: a y-protocols client holding the job doc with K offline actions (80 % note keystrokes, 10 % checklist ticks, 10 % time entries); it sends sync step 1 on open and one sync step 2 answering the server's step 1.",
        `Every server first serves ${WARM_ROUNDS} catch-ups at each K from other devices to other jobs (over an undelayed link), then the measured ones: the figure is a server that has served devices before, as in many-jobs, not the first sync of a fresh process, which pays for compiling its code paths.`,
        `Time runs from opening the socket (TCP + websocket handshake included) to the acknowledgement of everything the device holds; median (range) of ${ctx.runs} runs, servers interleaved per run (the ones not measured wait paused, SIGSTOP), other columns medians. "client turns" counts the client sending after having received; "elapsed ÷ RTT" is the time in round trips of ${2 * ONE_WAY_MS} ms.`,
        "wire ÷ Yjs diff: every byte through the proxy both ways (TCP payload: HTTP upgrade with its token, websocket framing, sync messages, acks) over the Yjs diff each side lacked (the device's step 2 against the server's state vector, plus what the device gained). At K = 100 the fixed handshake weighs most.",
        `Baseline: one update message per action against Outpost over the same link, each awaiting its durable ack; measured on ${replayN} actions and extrapolated linearly.`,
        ...ratioMechanics(replay.msPerAction, ctx.servers.includes('outpost') ? outpostMs(1000) : NaN),
      ],
    };
  },
};
