/**
 * Awareness flood (issue 18.7): everyone on a job moving their cursor — J jobs × 5 clients,
 * each sending a presence update 10 times a second on an open-loop schedule; each must
 * reach the job's 4 other clients. Latency from the planned send to receipt, the share
 * delivered, and the server's CPU and event-loop delay.
 */
import { SendSchedule } from '../harness/schedule';
import { ServerProcess, sampleWhile } from '../harness/server-process';
import { interleaved, round, showSpread, sleep, spread, summarize, waitFor } from '../harness/stats';
import { newFieldDevice } from '../load/field-work';
import { PresenceLog, presenceUpdate } from '../load/presence';
import { openJob, type JobLink, type Target } from '../load/targets';
import { SERVER_LABELS, type ServerKind } from '../servers/server';
import type { BenchContext, ResultRow, Scenario } from './scenario';

const CLIENTS = 5;
const MOVES_PER_SECOND = 10;

interface Cursor extends JobLink {
  id: number;
  clock: number;
}

type FloodFigures = { p50: number; p99: number; delivered: number; cpu: number; loopMax: number };

/**
 * One server with its cursors connected once; `window(ms)` moves them on schedule and
 * measures. The first window warms up for 500 ms first; later ones reuse the warm server
 * and sockets (presence carries nothing from one window to the next but its clocks).
 */
async function openFlood(kind: ServerKind, jobs: number): Promise<{ window(ms: number): Promise<FloodFigures>; close(): Promise<void> }> {
  const server = await ServerProcess.start(kind);
  const cursors: Cursor[] = [];
  const close = async () => {
    await Promise.all(cursors.map((c) => c.client.close()));
    await server.stop();
  };
  try {
    const target: Target = { kind, port: server.port, ...(await server.prepare(jobs)) };
    const log = new PresenceLog();
    for (const jobId of target.jobIds) {
      for (let c = 0; c < CLIENTS; c++) {
        const doc = newFieldDevice(jobId, `tech-${c}`).doc;
        const link = openJob(target, jobId, doc, { acks: false });
        link.session.onAwareness = log.receiver(doc.clientID);
        cursors.push({ ...link, id: doc.clientID, clock: 0 });
      }
    }
    await Promise.all(cursors.map((c) => c.client.waitSynced(c.session, 30_000)));
    const rate = cursors.length * MOVES_PER_SECOND;
    let sent = 0;
    const move = async (span: number, rec: boolean) => {
      const schedule = new SendSchedule(performance.now(), rate, span);
      let next = 0;
      while (!schedule.done && performance.now() < schedule.startMs + span + 1000) {
        for (const [, t] of schedule.due(performance.now())) {
          const c = cursors[next++ % cursors.length]!;
          c.client.sendAwareness(c.session, presenceUpdate(c.id, ++c.clock, { cursor: { field: 'note', offset: c.clock % 80 }, t, rec }));
          if (rec) sent++;
        }
        if (schedule.done) break;
        const wait = schedule.nextAt() - performance.now();
        await (wait >= 1 ? sleep(wait) : new Promise((r) => setImmediate(r)));
      }
    };
    let warm = false;
    const window = async (ms: number): Promise<FloodFigures> => {
      if (!warm) await move(500, false);
      warm = true;
      log.samples.length = 0;
      sent = 0;
      const sampled = await sampleWhile(server, async () => {
        log.recording = true;
        await move(ms, true);
        // Up to 500 ms for presence in flight: less once every receipt arrived.
        await waitFor(() => log.samples.length >= sent * (CLIENTS - 1), 500);
        log.recording = false;
      });
      const s = summarize(log.samples);
      return { p50: s.p50, p99: s.p99, delivered: (100 * log.samples.length) / Math.max(1, sent * (CLIENTS - 1)), cpu: sampled.cpuPercent, loopMax: sampled.loopMaxMs };
    };
    return { window, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Cursor presence at 10 moves/s per client. */
export const awarenessFlood: Scenario = {
  id: 'awareness-flood',
  title: 'Awareness flood',
  async run(ctx: BenchContext) {
    const jobs = ctx.quick ? 20 : 100;
    const ms = ctx.quick ? 1500 : 2000;
    const runs = ctx.quick ? 1 : Math.min(ctx.runs, 3);
    const results = new Map<ServerKind, FloodFigures[]>();
    // Every server set up once (processes and sockets), then the runs interleaved: presence
    // keeps nothing from one window to the next but its clocks, and an idle server is idle.
    const floods = new Map<ServerKind, Awaited<ReturnType<typeof openFlood>>>();
    try {
      for (const kind of ctx.servers) floods.set(kind, await openFlood(kind, jobs));
      for (let r = 0; r < runs; r++) {
        for (const kind of interleaved(ctx.servers, r)) {
          const res = await floods.get(kind)!.window(ms);
          ctx.log(`  awareness flood: ${kind} run ${r + 1}: p99 ${round(res.p99)} ms, delivered ${round(res.delivered)} %`);
          results.set(kind, [...(results.get(kind) ?? []), res]);
        }
      }
    } finally {
      for (const f of floods.values()) await f.close();
    }
    const rows: ResultRow[] = ctx.servers.map((kind) => {
      const rs = results.get(kind) ?? [];
      return {
        label: `${SERVER_LABELS[kind]}, ${jobs * CLIENTS * MOVES_PER_SECOND} moves/s`,
        server: kind,
        figures: {
          runs: rs.length,
          'p50 ms': showSpread(spread(rs.map((x) => x.p50))),
          'p99 ms': showSpread(spread(rs.map((x) => x.p99))),
          'delivered %': round(spread(rs.map((x) => x.delivered)).median),
          'server CPU %': round(spread(rs.map((x) => x.cpu)).median),
          'server loop max ms': round(spread(rs.map((x) => x.loopMax)).median),
        },
      };
    });
    return {
      id: 'awareness-flood',
      title: `Awareness flood (${jobs} jobs × ${CLIENTS} clients, ${MOVES_PER_SECOND} cursor moves/s each)`,
      rows,
      ratios: {},
      notes: [
        `Each client sends its presence (a cursor position) ${MOVES_PER_SECOND} times a second on a fixed schedule; latency from the planned send to the first receipt of that presence clock at each other client of the job; ${ms / 1000} s measured; every server started and connected once, then ${runs} runs, servers interleaved, median (range).`,
        'delivered % counts each presence clock once per receiver; a server that coalesces presence (sends only the latest state) delivers fewer than 100 % by design, and its latency is that of the states it does send.',
      ],
    };
  },
};
