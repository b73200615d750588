/**
 * One server's fan-out rig: its process (pinned to the server core), J jobs × C typists
 * connected once, and `step(rate)`, which types on an open-loop schedule at `rate`
 * updates/s offered in total (issue 18.2). Every keystroke is one update the server must
 * relay to the job's other C−1 typists; latency runs from the keystroke's *planned* time
 * to its receipt, so a server (or a generator) that falls behind shows as latency, never
 * as a lower offered rate. Outpost runs with durable acks on (`acks=1`).
 */
import * as prng from 'lib0/prng';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { collectGeneratorHeap, collectGeneratorHeapIfGrown } from '../harness/generator-flags';
import { isHeld, SendSchedule } from '../harness/schedule';
export { HELD_P99_MS } from '../harness/schedule';
import { ServerProcess, sampleWhile } from '../harness/server-process';
import { round, sleep, summarize, waitFor } from '../harness/stats';
import { newFieldDevice, type FieldDevice } from './field-work';
import { LatencyLog } from './latency-log';
import { watchSteal } from '../harness/steal';
import { readThreadTicks, threadShares } from '../harness/threads';
import { commitsBetween, readCommitHistogram, type CommitFigures } from './server-commits';
import { openJob, type JobLink, type Target } from './targets';
import { TypeAhead } from './type-ahead';
import type { ServerKind } from '../servers/server';

/** Lead-in at a new rate for every step after a rig's first (the first warms up in full). */
export const RESUME_WARM_MS = 250;

interface Typist extends JobLink {
  device: FieldDevice;
}

/** What one step measured. */
export interface StepFigures {
  rate: number;
  sentPercent: number;
  deliveredPercent: number;
  p50: number;
  p99: number;
  serverCpuPercent: number;
  peakRssMb: number;
  serverLoopP99: number;
  serverLoopMax: number;
  /** How late the generator made its sends (actual − planned), p99 and max, ms. */
  genLagP99: number;
  genLagMax: number;
  /** The generator's own event-loop delay, p99 / max, ms. */
  genLoopP99: number;
  genLoopMax: number;
  genCpuPercent: number;
  /** The generator's longest garbage-collection pause during the step, ms. */
  genGcMaxMs: number;
  socketErrors: number;
  /** Share of the server core's time the hypervisor gave to other machines during the step, % (null where unknown). */
  stealPercent: number | null;
  /** CPU of the server's main thread and of its other threads together during the step, % of one core (null where unknown). */
  threads: { mainPercent: number; othersPercent: number; busiest: string } | null;
  /** Outpost only: the step's group commits (count, and the bucket bounds of their p99 and slowest, ms). */
  commits?: CommitFigures;
  held: boolean;
}

/** One step's figures as a log line (the fan-out scenario and `ab-fanout.ts` print the same). */
export function describeStep(f: StepFigures): string {
  const threads = f.threads ? `, threads main ${f.threads.mainPercent} % others ${f.threads.othersPercent} % (${f.threads.busiest})` : '';
  const commits = f.commits ? `, ${f.commits.commits} commits (p99 ≤ ${f.commits.p99Ms}, max ≤ ${f.commits.maxMs} ms)` : '';
  return (
    `p50 ${f.p50} p99 ${f.p99} ms, delivered ${f.deliveredPercent} %, server CPU ${f.serverCpuPercent} %, loop p99 ${f.serverLoopP99} / max ${f.serverLoopMax} ms, ` +
    `steal ${f.stealPercent ?? '?'} %${threads}, gen lag p99 ${f.genLagP99} ms, gen loop max ${f.genLoopMax} ms, gen GC max ${f.genGcMaxMs} ms${commits}${f.held ? '' : ' (not held)'}`
  );
}

/** The typists in a fixed pseudo-random order (same for every server), so one job's keystrokes do not land together. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  const gen = prng.create(0x6f7574);
  for (let i = out.length - 1; i > 0; i--) {
    const j = prng.int31(gen, 0, i);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A connected server with its typists, ready to run steps. */
export class FanoutRig {
  private typists: Typist[] = [];
  private keys = new TypeAhead<Typist>([]);
  private log = new LatencyLog();
  /** Steps run so far: only the first warms up in full (the server and the generator stay warm between steps). */
  private steps = 0;

  private constructor(
    readonly kind: ServerKind,
    /** The server process (scenarios holding several rigs pause the ones not measured). */
    readonly server: ServerProcess,
    private readonly cleanup: () => Promise<void>,
  ) {}

  /**
   * Starts `kind` (or the server `start` gives, e.g. a durability variant) and connects
   * `jobs` × `clientsPerJob` typists, 50 jobs at a time.
   */
  static async open(kind: ServerKind, jobs: number, clientsPerJob: number, start?: () => Promise<{ server: ServerProcess; cleanup(): Promise<void> }>): Promise<FanoutRig> {
    const started = start ? await start() : await ServerProcess.start(kind).then((server) => ({ server, cleanup: () => server.stop() }));
    const rig = new FanoutRig(kind, started.server, started.cleanup);
    try {
      const target: Target = { kind, port: rig.server.port, ...(await rig.server.prepare(jobs)) };
      for (let j = 0; j < jobs; j += 50) {
        const batch: Typist[] = [];
        for (const jobId of target.jobIds.slice(j, Math.min(jobs, j + 50))) {
          for (let c = 0; c < clientsPerJob; c++) {
            const device = newFieldDevice(jobId, `tech-${c}`);
            const link = openJob(target, jobId, device.doc);
            link.session.applyRemote = false;
            link.session.onUpdate = (u, at) => rig.receive(device.doc.clientID, u, at);
            batch.push({ ...link, device });
          }
        }
        await Promise.all(batch.map((t) => t.client.waitInSync(t.session, 30_000)));
        rig.typists.push(...batch);
      }
      rig.typists = shuffled(rig.typists);
      rig.keys = new TypeAhead(rig.typists);
      // The connections' garbage, collected now rather than inside a step; once per rig, never
      // before a step (generator-flags.ts): the last rig a scenario opens collects them all.
      collectGeneratorHeap();
      return rig;
    } catch (e) {
      await rig.close();
      throw e;
    }
  }

  get sockets(): number {
    return this.typists.length;
  }

  private receivers = new Map<number, (u: Uint8Array, at: number) => void>();
  private receive(clientId: number, update: Uint8Array, at: number): void {
    let r = this.receivers.get(clientId);
    if (!r) this.receivers.set(clientId, (r = this.log.receiver(clientId)));
    r(update, at);
  }

  /** Types on schedule at `rate` for `ms` (its keystrokes typed ahead, `step`); returns the generator's send lags (ms). */
  private async type(rate: number, ms: number): Promise<number[]> {
    const schedule = new SendSchedule(performance.now(), rate, ms);
    const lags: number[] = [];
    // A generator more than 1 s behind its plan stops there: the step then counts as not sent.
    const giveUpAt = schedule.startMs + ms + 1000;
    while (!schedule.done && performance.now() < giveUpAt) {
      const now = performance.now();
      for (const [, planned] of schedule.due(now)) {
        const { typist: t, key } = this.keys.take();
        t.client.sendUpdate(t.session, key.update);
        this.log.logSend(t.device.doc.clientID, key.end, planned);
        lags.push(performance.now() - planned);
      }
      if (schedule.done) break;
      const wait = schedule.nextAt() - performance.now();
      await (wait >= 1 ? sleep(wait) : new Promise((r) => setImmediate(r)));
    }
    return lags;
  }

  /**
   * One step at `rate` updates/s: `warmMs` unrecorded (the first step only; later steps
   * lead in for at most RESUME_WARM_MS at the new rate), `ms` recorded, then up to
   * `drainMs` for deliveries in flight (less once every delivery arrived).
   */
  async step(rate: number, ms: number, warmMs: number, drainMs: number, clientsPerJob: number): Promise<StepFigures> {
    // Before anything of this step is made: the garbage of the steps before, not this one's keystrokes.
    collectGeneratorHeapIfGrown();
    this.log = new LatencyLog();
    this.receivers.clear();
    for (const t of this.typists) this.log.addSender(t.device.doc.clientID);
    const leadInMs = this.steps++ === 0 ? warmMs : Math.min(warmMs, RESUME_WARM_MS);
    // The lead-in's and the window's keystrokes at once, before the lead-in: typing the
    // window's between the two paused the generator (~300 ms at 9,000/s), so the window
    // began from an idle server instead of the steady state the lead-in had reached.
    this.keys.prepare(Math.ceil((rate * (leadInMs + ms)) / 1000));
    await this.type(rate, leadInMs);
    const genLoop = monitorEventLoopDelay({ resolution: 1 });
    genLoop.enable();
    let genGcMax = 0;
    const gcWatch = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) genGcMax = Math.max(genGcMax, e.duration);
    });
    gcWatch.observe({ entryTypes: ['gc'] });
    const genCpu = process.cpuUsage();
    const commitsBefore = this.kind === 'outpost' ? await readCommitHistogram(this.server.port) : null;
    const stolen = watchSteal();
    const threadsBefore = readThreadTicks(this.server.pid);
    const t0 = performance.now();
    const sampled = await sampleWhile(this.server, async () => {
      this.log.recording = true;
      const lags = await this.type(rate, ms);
      this.log.recording = false;
      const log = this.log;
      await waitFor(() => log.samples.length >= log.sent * (clientsPerJob - 1), drainMs);
      return lags;
    });
    genLoop.disable();
    gcWatch.disconnect();
    const steal = stolen();
    const shares = threadShares(this.server.pid, threadsBefore, readThreadTicks(this.server.pid), performance.now() - t0);
    const commits = commitsBefore ? commitsBetween(commitsBefore, await readCommitHistogram(this.server.port)) : null;
    const cpu = process.cpuUsage(genCpu);
    const planned = Math.floor((ms * rate) / 1000);
    const s = summarize(this.log.samples);
    const lag = summarize(sampled.result);
    const f = {
      rate,
      sentPercent: round((100 * this.log.sent) / Math.max(1, planned)),
      deliveredPercent: round((100 * this.log.samples.length) / Math.max(1, planned * (clientsPerJob - 1))),
      p50: round(s.p50),
      p99: round(s.p99),
      serverCpuPercent: round(sampled.cpuPercent),
      peakRssMb: round(sampled.peakRssMb),
      serverLoopP99: round(sampled.loopP99Ms),
      serverLoopMax: round(sampled.loopMaxMs),
      genLagP99: round(lag.p99),
      genLagMax: round(lag.max),
      genLoopP99: round(genLoop.percentile(99) / 1e6),
      genLoopMax: round(genLoop.max / 1e6),
      genCpuPercent: round(((cpu.user + cpu.system) / 1000 / (performance.now() - t0)) * 100),
      genGcMaxMs: round(genGcMax),
      socketErrors: this.typists.reduce((n, t) => n + t.session.errors.length, 0),
      stealPercent: steal,
      threads:
        shares.length === 0
          ? null
          : {
              mainPercent: round(shares.find((t) => t.main)?.percent ?? 0),
              othersPercent: round(shares.filter((t) => !t.main).reduce((a, t) => a + t.percent, 0)),
              busiest: shares
                .filter((t) => !t.main)
                .slice(0, 3)
                .map((t) => `${t.tid} ${round(t.percent)} %`)
                .join(', '),
            },
      ...(commits ? { commits } : {}),
    };
    return { ...f, held: isHeld(f) };
  }

  async close(): Promise<void> {
    await Promise.all(this.typists.map((t) => t.client.close()));
    await this.cleanup();
  }
}

/** What `openRigs` needs of a rig (a `FanoutRig`). */
export interface HeldRig {
  readonly server: Pick<ServerProcess, 'pause' | 'resume'>;
  close(): Promise<void>;
}

/** How long a rig's server runs on after its typists connected, before it waits paused. */
const SETTLE_MS = 1000;

/**
 * Opens rigs one after another and returns them all running. Each waits paused (SIGSTOP)
 * while the ones after it connect, as the servers not being measured wait during every
 * step: two more servers' 3,000 typists take ~20 s to connect, and the first server's docs
 * sat idle meanwhile. Outpost folds a doc unused for 10 s back into its encoding
 * (hibernation), so its first step woke all 600 docs in its first second: its young
 * collections took 54–133 ms as they were rebuilt, its loop stalled 87–161 ms, and
 * the step at 1,000/s failed 2 of 2 times in two runs (28 Nov) where an Outpost connected
 * right before its first step held it (p99 33.5 ms). That idleness is real, but a wake of
 * every job at once is not a relay's steady load (the many-idle-jobs scenario wakes idle
 * jobs); a paused server's clock stops for its idle timers too (Outpost's `IdleClock`
 * discounts a freeze). Each runs `SETTLE_MS` first, for what its typists' syncs left to do.
 */
export async function openRigs<R extends HeldRig = FanoutRig>(openers: ReadonlyArray<() => Promise<R>>, settleMs = SETTLE_MS): Promise<R[]> {
  const rigs: R[] = [];
  try {
    for (const open of openers) {
      const rig = await open();
      rigs.push(rig);
      await sleep(settleMs);
      rig.server.pause();
    }
  } catch (e) {
    for (const rig of rigs) rig.server.resume();
    await Promise.all(rigs.map((r) => r.close()));
    throw e;
  }
  for (const rig of rigs) rig.server.resume();
  return rigs;
}
