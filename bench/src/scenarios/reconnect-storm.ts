/**
 * Reconnect storm (issue 18.7): 2,000 devices (400 jobs × 5) are connected and in sync;
 * the server restarts (graceful stop, a new process on the same data); meanwhile every
 * device makes a few offline actions; then all 2,000 reconnect, spread evenly over 1 s.
 * Measured: time from the first reconnect until the last device is in sync both ways,
 * the server's peak RSS and CPU meanwhile, and devices that failed (socket error, refusal
 * or no sync within 60 s).
 */
import { readListenDrops } from '../harness/listen-drops';
import { ServerProcess, sampleWhile } from '../harness/server-process';
import { interleaved, round, showSpread, sleep, spread, summarize } from '../harness/stats';
import { fieldAction, newFieldDevice, type FieldDevice } from '../load/field-work';
import { inSync } from '../load/in-sync';
import { openJob, settle, type Target } from '../load/targets';
import { SERVER_LABELS, type ServerKind } from '../servers/server';
import type { BenchContext, ResultRow, Scenario } from './scenario';

const DEVICES_PER_JOB = 5;
const OFFLINE_ACTIONS = 5;
const SPREAD_MS = 1000;

/** A server's jobs and devices, seeded once and stopped: each run restarts the server on them. */
interface Crew {
  kind: ServerKind;
  target: Target;
  dataDir: string;
  devices: FieldDevice[];
  /** Removes the data directory. */
  remove(): void;
}

/** Seeds `jobs` jobs, brings every device in sync once, then stops the server gracefully, keeping its data. */
async function seedCrew(kind: ServerKind, jobs: number): Promise<Crew> {
  const server = await ServerProcess.start(kind);
  try {
    const target: Target = { kind, port: server.port, ...(await server.prepare(jobs)) };
    const devices: FieldDevice[] = target.jobIds.flatMap((jobId) => Array.from({ length: DEVICES_PER_JOB }, (_, i) => newFieldDevice(jobId, `tech-${i}`)));
    for (let i = 0; i < devices.length; i += 250) {
      const batch = devices.slice(i, i + 250).map((d) => openJob(target, d.doc.guid, d.doc));
      await Promise.all(batch.map((l) => settle(l, kind, 60_000)));
      await Promise.all(batch.map((l) => l.client.close()));
    }
    return { kind, target, dataDir: server.dataDir, devices, remove: () => server.removeData() };
  } finally {
    await server.stop(true);
  }
}

/**
 * One storm: every device makes its offline actions while the server is down, the server
 * starts on its data, and all devices reconnect within SPREAD_MS. Every device ends in sync
 * both ways and the server is stopped gracefully, which is where the next run starts from
 * (until 28 Nov each run seeded its own server and devices: two thirds of the scenario's time).
 */
async function storm(
  crew: Crew,
): Promise<{ ms: number; openingMs: number; deviceP50: number; deviceP99: number; peakRssMb: number; cpu: number; failed: number; first: string; listenDrops: number | null }> {
  const { kind, devices } = crew;
  for (const d of devices) for (let i = 0; i < OFFLINE_ACTIONS; i++) fieldAction(d);
  const server = await ServerProcess.start(kind, crew.dataDir);
  try {
    const restarted: Target = { ...crew.target, port: server.port };
    const errors: string[] = [];
    const perDevice: number[] = [];
    let opening = 0;
    const links: { client: { close(): Promise<void> } }[] = [];
    const dropsBefore = readListenDrops();
    const sampled = await sampleWhile(server, async () => {
      const t0 = performance.now();
      const waits: Promise<void>[] = [];
      for (const [i, d] of devices.entries()) {
        // Sleep only when ahead of the plan: a timer of 0 still takes a millisecond or more.
        const ahead = t0 + (i * SPREAD_MS) / devices.length - performance.now();
        if (ahead >= 1) await sleep(ahead);
        const opened = performance.now();
        const link = openJob(restarted, d.doc.guid, d.doc);
        links.push(link);
        waits.push(
          inSync(link, kind, d.doc, 60_000).then(
            () => void perDevice.push(performance.now() - opened),
            (e: unknown) => void errors.push(String(e)),
          ),
        );
      }
      opening = performance.now() - t0;
      await Promise.all(waits);
      return performance.now() - t0;
    });
    const dropsAfter = readListenDrops();
    await Promise.all(links.map((l) => l.client.close()));
    const each = summarize(perDevice);
    return {
      ms: sampled.result,
      openingMs: opening,
      deviceP50: each.p50,
      deviceP99: each.p99,
      peakRssMb: sampled.peakRssMb,
      cpu: sampled.cpuPercent,
      failed: errors.length,
      first: errors[0] ?? '',
      listenDrops: dropsBefore === null || dropsAfter === null ? null : dropsAfter - dropsBefore,
    };
  } finally {
    await server.stop(true);
  }
}

/** 2,000 devices reconnecting within 1 s after a restart. */
export const reconnectStorm: Scenario = {
  id: 'reconnect-storm',
  title: 'Reconnect storm',
  async run(ctx: BenchContext) {
    const jobs = ctx.quick ? 40 : 400;
    const runs = ctx.quick ? 1 : Math.min(ctx.runs, 3);
    const results = new Map<ServerKind, Awaited<ReturnType<typeof storm>>[]>();
    const crews = new Map<ServerKind, Crew>();
    try {
      for (const kind of ctx.servers) crews.set(kind, await seedCrew(kind, jobs));
      for (let r = 0; r < runs; r++) {
        for (const kind of interleaved(ctx.servers, r)) {
          const res = await storm(crews.get(kind)!);
          ctx.log(
            `  reconnect storm: ${kind} run ${r + 1}: all in sync after ${round(res.ms)} ms, ${res.failed} failed, ${res.listenDrops ?? '?'} listen drops${res.first ? ` (${res.first.slice(0, 120)})` : ''}`,
          );
          results.set(kind, [...(results.get(kind) ?? []), res]);
        }
      }
    } finally {
      for (const crew of crews.values()) crew.remove();
    }
    const rows: ResultRow[] = ctx.servers.map((kind) => {
      const rs = results.get(kind) ?? [];
      return {
        label: `${SERVER_LABELS[kind]}, ${jobs * DEVICES_PER_JOB} devices`,
        server: kind,
        figures: {
          runs: rs.length,
          'all in sync ms': showSpread(spread(rs.map((x) => x.ms))),
          'reconnects opened within ms': round(spread(rs.map((x) => x.openingMs)).median),
          'one device p50 / p99 ms': `${round(spread(rs.map((x) => x.deviceP50)).median)} / ${round(spread(rs.map((x) => x.deviceP99)).median)}`,
          'peak RSS MB': round(spread(rs.map((x) => x.peakRssMb)).median),
          'server CPU %': round(spread(rs.map((x) => x.cpu)).median),
          'failed devices': Math.max(0, ...rs.map((x) => x.failed)),
          'listen drops': rs.some((x) => x.listenDrops === null) ? '—' : round(spread(rs.map((x) => x.listenDrops!)).median),
        },
      };
    });
    return {
      id: 'reconnect-storm',
      title: `Reconnect storm (${jobs * DEVICES_PER_JOB} devices within ${SPREAD_MS / 1000} s of a restart)`,
      rows,
      ratios: {},
      notes: [
        `${jobs} jobs × ${DEVICES_PER_JOB} devices, each in sync before a graceful restart and with ${OFFLINE_ACTIONS} offline actions after it (each run restarts the server on the jobs and devices the run before left in sync); the reconnects are spread evenly over ${SPREAD_MS / 1000} s. Time runs from the first reconnect to the last device in sync both ways (step 2 received; durable ack, SyncStatus, or the echo for y-websocket-server); ${runs} runs, servers interleaved, median (range).`,
        "one device: from that device's reconnect to it being in sync, p50 / p99 over the devices (median run).",
        'failed devices: a socket error, a refusal or no sync within 60 s (worst run).',
        "listen drops: connects the kernel turned away while the server's accept queue was full (Linux `TcpExt: ListenDrops`, median run); each such device waits for TCP's retry of its SYN a second later. Each server listens as it ships: Outpost with a backlog of 4,096 (`LISTEN_BACKLOG`, capped by `net.core.somaxconn`), Hocuspocus and y-websocket-server with Node's default of 511.",
      ],
    };
  },
};
