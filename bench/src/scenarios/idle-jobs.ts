/**
 * Many mostly idle jobs (issue 18.7): 10,000 jobs, every other one with two technicians'
 * devices connected and the rest with one (15,000 sockets). Each device renews its presence
 * every 15 s (the y-protocols heartbeat) and types a keystroke every 30 s on average, on a
 * fixed schedule. Measured: server CPU and event-loop delay for this background load,
 * memory (heap + ArrayBuffers) per job, and edit and presence latency between the two
 * devices of a job.
 */
import { SendSchedule } from '../harness/schedule';
import { ServerProcess, sampleWhile } from '../harness/server-process';
import { round, sleep, summarize } from '../harness/stats';
import { keystroke, newFieldDevice, type FieldDevice } from '../load/field-work';
import { LatencyLog } from '../load/latency-log';
import { PresenceLog, presenceUpdate } from '../load/presence';
import { openJob, type JobLink, type Target } from '../load/targets';
import { SERVER_LABELS, type ServerKind } from '../servers/server';
import type { BenchContext, ResultRow, Scenario } from './scenario';

const HEARTBEAT_S = 15;
const EDIT_EVERY_S = 30;
/** Jobs whose devices connect at once, each batch in sync before the next. */
const CONNECT_BATCH = 2000;

interface Device extends JobLink {
  device: FieldDevice;
  clock: number;
}

async function measure(kind: ServerKind, jobs: number, ms: number, log: (line: string) => void): Promise<Record<string, number | string>> {
  const t0 = performance.now();
  const since = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
  const server = await ServerProcess.start(kind);
  const devices: Device[] = [];
  try {
    const target: Target = { kind, port: server.port, ...(await server.prepare(jobs)) };
    log(`    ${kind}: started and ${jobs} jobs prepared at ${since()}`);
    const base = await server.gcStats();
    const edits = new LatencyLog();
    const presence = new PresenceLog();
    for (let j = 0; j < jobs; j += CONNECT_BATCH) {
      const batch: Device[] = [];
      for (const [i, jobId] of target.jobIds.slice(j, j + CONNECT_BATCH).entries()) {
        for (let d = 0; d < ((j + i) % 2 ? 2 : 1); d++) {
          const device = newFieldDevice(jobId, `tech-${d}`);
          const link = openJob(target, jobId, device.doc);
          link.session.applyRemote = false;
          link.session.onUpdate = edits.receiver(device.doc.clientID);
          link.session.onAwareness = presence.receiver(device.doc.clientID);
          edits.addSender(device.doc.clientID);
          batch.push({ ...link, device, clock: 0 });
        }
      }
      await Promise.all(batch.map((d) => d.client.waitInSync(d.session, 60_000)));
      devices.push(...batch);
    }
    log(`    ${kind}: ${devices.length} sockets in sync at ${since()}`);
    // The connection phase leaves garbage (every job loaded, every socket's handshake); when
    // its old-generation collection comes is luck, so every server starts the window from a
    // collected heap and the window measures the steady background load.
    await server.gcStats();
    const pairs = devices.filter((d, i) => devices[i + 1]?.device.doc.guid === d.device.doc.guid || devices[i - 1]?.device.doc.guid === d.device.doc.guid).length;
    const run = async (span: number) => {
      const beats = new SendSchedule(performance.now(), devices.length / HEARTBEAT_S, span);
      const typing = new SendSchedule(beats.startMs, devices.length / EDIT_EVERY_S, span);
      let b = 0;
      let e = 0;
      while (!beats.done || !typing.done) {
        const now = performance.now();
        for (const [, t] of beats.due(now)) {
          const d = devices[(b++ * 7919) % devices.length]!;
          d.client.sendAwareness(d.session, presenceUpdate(d.device.doc.clientID, ++d.clock, { cursor: null, t, rec: presence.recording }));
        }
        for (const [, t] of typing.due(now)) {
          const d = devices[(e++ * 104729) % devices.length]!;
          const key = keystroke(d.device);
          d.client.sendUpdate(d.session, key.update);
          edits.logSend(d.device.doc.clientID, key.end, t);
        }
        const next = Math.min(beats.nextAt(), typing.nextAt());
        if (next === Infinity) break;
        const wait = next - performance.now();
        await (wait >= 1 ? sleep(wait) : new Promise((r) => setImmediate(r)));
      }
    };
    await run(2000);
    const sampled = await sampleWhile(server, async () => {
      edits.recording = presence.recording = true;
      await run(ms);
      edits.recording = presence.recording = false;
      await sleep(1000);
    });
    const after = await server.gcStats();
    log(`    ${kind}: measured at ${since()}`);
    const e = summarize(edits.samples);
    const p = summarize(presence.samples);
    return {
      sockets: devices.length,
      'edits/s': round(devices.length / EDIT_EVERY_S),
      'heartbeats/s': round(devices.length / HEARTBEAT_S),
      'edit p50 / p99 ms': `${round(e.p50)} / ${round(e.p99)}`,
      'edits delivered %': round((100 * e.count) / Math.max(1, (edits.sent * pairs) / devices.length)),
      'presence p50 / p99 ms': `${round(p.p50)} / ${round(p.p99)}`,
      'server CPU %': round(sampled.cpuPercent),
      'server loop p99 / max ms': `${round(sampled.loopP99Ms)} / ${round(sampled.loopMaxMs)}`,
      'heap + ArrayBuffers per job KB': round((after.heapUsed + after.arrayBuffers - base.heapUsed - base.arrayBuffers) / jobs / 1024),
      'RSS MB': round(after.rss / 2 ** 20),
      'socket errors': devices.reduce((n, d) => n + d.session.errors.length, 0),
    };
  } finally {
    // Nothing is kept: the server is killed first, so its 15,000 sockets end at once rather
    // than each closing handshake queueing behind a graceful shutdown of 10,000 jobs.
    await server.discard();
    await Promise.all(devices.map((d) => d.client.close()));
    log(`    ${kind}: closed at ${since()}`);
  }
}

/** 10,000 mostly idle jobs with presence heartbeats. */
export const idleJobs: Scenario = {
  id: 'idle-jobs',
  title: 'Many mostly idle jobs',
  async run(ctx: BenchContext) {
    const jobs = ctx.quick ? 300 : Number(process.env.BENCH_IDLE_JOBS ?? 10_000);
    const ms = ctx.quick ? 3000 : 15_000;
    const rows: ResultRow[] = [];
    for (const kind of ctx.servers) {
      ctx.log(`  idle jobs: ${kind} ${jobs} jobs`);
      rows.push({ label: `${SERVER_LABELS[kind]}, ${jobs} jobs`, server: kind, figures: await measure(kind, jobs, ms, ctx.log) });
    }
    return {
      id: 'idle-jobs',
      title: `Many mostly idle jobs (${jobs} jobs, 1–2 devices each)`,
      rows,
      ratios: {},
      notes: [
        `${jobs} jobs; every other job has two devices connected, the rest one. Each device renews its presence every ${HEARTBEAT_S} s and types a keystroke every ${EDIT_EVERY_S} s on average, both on fixed schedules; ${ms / 1000} s measured after 2 s warm-up, one run per server.`,
        "Latency from the planned send to receipt at the job's other device (jobs with two devices); memory = heap + ArrayBuffers after forced GC minus the same before the jobs were opened, per job.",
        "Every server's heap is collected (forced GC) after its sockets are in sync and before the warm-up: the connection phase's garbage (10,000 job loads, 15,000 handshakes) is collected once at a time of V8's choosing, and a window it landed in measured that collection, not the idle load (Outpost, 27 Nov, before this: edit p99 933 and 1,007 ms with an old-generation collection of ~1 GB in the window, 42–45 ms without).",
      ],
    };
  },
};
