/**
 * Scenario 2, relay fan-out: J jobs × C clients, every client typing into its note at a
 * steady rate; every keystroke is one update the server must relay to the other C−1
 * clients of the job. Steps up the number of jobs until the server no longer holds the
 * rate (deliveries < 99 % or p99 over 1 s) or the step list ends. Outpost runs with
 * durable acks on (every typist connects with `acks=1`).
 */
import * as prng from 'lib0/prng';
import { ServerProcess, sampleWhile } from '../harness/server-process';
import { round, sleep, summarize } from '../harness/stats';
import { captureUpdates, newFieldDevice, typeKey, type FieldDevice } from '../load/field-work';
import { endClock } from '../load/echo-ack';
import { LatencyLog } from '../load/latency-log';
import { openJob, type JobLink, type Target } from '../load/targets';
import { SERVER_LABELS, type ServerKind } from '../servers/server';
import type { BenchContext, ResultRow, Scenario } from './scenario';

interface Typist extends JobLink {
  device: FieldDevice;
}

/** Keystrokes per second per client. */
const RATE = 2;
const CLIENTS_PER_JOB = 5;

async function connectAll(target: Target, jobs: number, log: LatencyLog): Promise<Typist[]> {
  const typists: Typist[] = [];
  // In batches, so a few thousand handshakes do not pile up in the accept queue at once.
  for (let j = 0; j < jobs; j += 50) {
    const batch: Typist[] = [];
    for (const jobId of target.jobIds.slice(j, Math.min(jobs, j + 50))) {
      for (let c = 0; c < CLIENTS_PER_JOB; c++) {
        const device = newFieldDevice(jobId, `tech-${c}`);
        const link = openJob(target, jobId, device.doc);
        link.session.applyRemote = false;
        link.session.onUpdate = log.receiver(device.doc.clientID);
        log.addSender(device.doc.clientID);
        batch.push({ ...link, device });
      }
    }
    await Promise.all(batch.map((t) => t.client.waitSynced(t.session, 30_000)));
    typists.push(...batch);
  }
  return typists;
}

/**
 * The typists in a fixed pseudo-random order (same for every server): people on one job
 * type independently, so a job's keystrokes must not all land in the same tick.
 */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  const gen = prng.create(0x6f7574);
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.int31(gen, 0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Types at RATE per client, spread evenly over each second, for `seconds`. */
async function type(typists: Typist[], log: LatencyLog, seconds: number): Promise<void> {
  const tickMs = 20;
  const perTick = (typists.length * RATE * tickMs) / 1000;
  const ticks = (seconds * 1000) / tickMs;
  const start = performance.now();
  let next = 0;
  let owed = 0;
  for (let t = 0; t < ticks; t++) {
    owed += perTick;
    for (; owed >= 1; owed--) {
      const typist = typists[next++ % typists.length]!;
      const [update] = captureUpdates(typist.device.doc, () => typeKey(typist.device));
      typist.client.sendUpdate(typist.session, update!);
      log.logSend(typist.device.doc.clientID, endClock(update!, typist.device.doc.clientID), performance.now());
    }
    // Sleep to the tick's scheduled end, so a slow tick does not lower the offered rate.
    await sleep(Math.max(0, start + (t + 1) * tickMs - performance.now()));
  }
}

async function step(kind: ServerKind, jobs: number, ctx: BenchContext): Promise<ResultRow> {
  const seconds = ctx.quick ? 3 : 8;
  const server = await ServerProcess.start(kind);
  const log = new LatencyLog();
  let typists: Typist[] = [];
  try {
    const target: Target = { kind, port: server.port, ...(await server.prepare(jobs)) };
    typists = shuffled(await connectAll(target, jobs, log));
    await type(typists, log, 1); // warm-up, not recorded
    const loadCpu = process.cpuUsage();
    const t0 = performance.now();
    const sampled = await sampleWhile(server, async () => {
      log.recording = true;
      await type(typists, log, seconds);
      log.recording = false;
      const sentSeconds = (performance.now() - t0) / 1000;
      await sleep(2000); // grace for deliveries in flight
      return sentSeconds;
    });
    const cpu = process.cpuUsage(loadCpu);
    const expected = log.sent * (CLIENTS_PER_JOB - 1);
    const s = summarize(log.samples);
    const errors = typists.reduce((n, t) => n + t.session.errors.length, 0);
    return {
      label: `${SERVER_LABELS[kind]} ${jobs}×${CLIENTS_PER_JOB}`,
      server: kind,
      figures: {
        sockets: typists.length,
        'updates/s sent': round(log.sent / sampled.result),
        'deliveries/s': round(log.samples.length / sampled.result),
        'delivered %': round((100 * log.samples.length) / Math.max(1, expected)),
        'p50 ms': round(s.p50),
        'p99 ms': round(s.p99),
        'server CPU %': round(sampled.cpuPercent),
        'peak RSS MB': round(sampled.peakRssMb),
        'server loop delay p99 / max ms': `${round(sampled.loopP99Ms)} / ${round(sampled.loopMaxMs)}`,
        'load-gen CPU %': round(((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100),
        'socket errors': errors,
      },
    };
  } finally {
    await Promise.all(typists.map((t) => t.client.close()));
    await server.stop();
  }
}

function held(row: ResultRow): boolean {
  return (row.figures['delivered %'] as number) >= 99 && (row.figures['p99 ms'] as number) <= 1000 && row.figures['socket errors'] === 0;
}

/** Relay fan-out: latency to every peer, updates/s held, server CPU and RSS. */
export const fanout: Scenario = {
  id: 'fanout',
  title: 'Relay fan-out',
  async run(ctx) {
    const chosen = process.env.BENCH_FANOUT_STEPS?.split(',').map(Number);
    const steps = chosen ?? (ctx.quick ? [40, 80] : [200, 400, 600, 900, 1200]);
    const rows: ResultRow[] = [];
    const heldRate: Partial<Record<ServerKind, number>> = {};
    const baseP99: Partial<Record<ServerKind, number>> = {};
    for (const kind of ctx.servers) {
      for (const jobs of steps) {
        ctx.log(`  fan-out: ${kind} ${jobs}×${CLIENTS_PER_JOB}`);
        const row = await step(kind, jobs, ctx);
        rows.push(row);
        if (jobs === steps[0]) baseP99[kind] = row.figures['p99 ms'] as number;
        if (!held(row)) break;
        heldRate[kind] = row.figures['updates/s sent'] as number;
      }
    }
    const peers = ctx.servers.filter((k) => k !== 'outpost');
    const bestRate = Math.max(...peers.map((k) => heldRate[k] ?? 0));
    const bestP99 = Math.min(...peers.map((k) => baseP99[k] ?? Infinity));
    return {
      id: 'fanout',
      title: 'Relay fan-out',
      rows,
      ratios: {
        'Outpost held updates/s ÷ best peer (target ≥ 1.5)': (heldRate.outpost ?? NaN) / bestRate,
        [`Outpost p99 ÷ best peer p99 at ${steps[0]}×${CLIENTS_PER_JOB} (target ≤ 0.7)`]: (baseP99.outpost ?? NaN) / bestP99,
      },
      notes: [
        `${CLIENTS_PER_JOB} clients per job, each typing ${RATE} keystrokes/s (one update each); steps of ${steps.join(', ')} jobs; ${ctx.quick ? 3 : 8} s measured per step after 1 s warm-up.`,
        'A step is held when ≥ 99 % of expected deliveries arrive, p99 ≤ 1 s and no socket errs; stepping stops at the first step not held.',
        'The load generator runs in the parent process on the same 2 cores, so the highest steps measure the machine as much as the server.',
      ],
    };
  },
};
