/**
 * Scenario 6, memory (issue 18.6): V8 heap plus ArrayBuffers (Yjs encodings and socket
 * buffers live outside the heap) per idle job, after forced GC, at 5,000 jobs with one
 * connection each, read 5 s, 30 s and 5 min after the jobs went idle; then per job with no
 * sockets left (the server decides whether it keeps them); then the cost of a large doc
 * left idle and woken by an edit. All servers are loaded side by side and read on the same
 * clock, so the 5-minute wait is paid once.
 */
import * as Y from 'yjs';
import { movePinned } from '../harness/pinning';
import { ServerProcess } from '../harness/server-process';
import { round, sleep } from '../harness/stats';
import type { ChildStats } from '../harness/child';
import { seedBigJob } from '../load/big-job';
import { fieldAction, keystroke, newFieldDevice } from '../load/field-work';
import { openJob, settle, type JobLink, type Target } from '../load/targets';
import { SERVER_LABELS, type ServerKind } from '../servers/server';
import { judge, type BenchContext, type Scenario, type ScenarioResult } from './scenario';

const ACTIONS_PER_JOB = 20;
const KB = 1024;
const held = (s: ChildStats) => s.heapUsed + s.arrayBuffers;

interface Rig {
  kind: ServerKind;
  server: ServerProcess;
  target: Target;
  links: JobLink[];
  base: ChildStats;
  idleFrom: number;
  figures: Record<string, number>;
}

async function load(kind: ServerKind, jobs: number): Promise<Rig> {
  const server = await ServerProcess.start(kind);
  const target: Target = { kind, port: server.port, ...(await server.prepare(jobs + 1)) };
  await sleep(500);
  const base = await server.gcStats();
  const links: JobLink[] = [];
  for (let j = 0; j < jobs; j += 250) {
    const batch = target.jobIds.slice(j, Math.min(jobs, j + 250)).map((jobId) => {
      const device = newFieldDevice(jobId, 'alice');
      for (let i = 0; i < ACTIONS_PER_JOB; i++) fieldAction(device);
      // The socket carries the content as one update and keeps no doc, so 15,000 open
      // connections weigh little in the load generator while later scenarios run.
      const link = openJob(target, jobId, null);
      link.client.sendUpdate(link.session, Y.encodeStateAsUpdate(device.doc));
      return link;
    });
    await Promise.all(batch.map((l) => settle(l, kind, 60_000)));
    links.push(...batch);
  }
  return { kind, server, target, links, base, idleFrom: performance.now(), figures: {} };
}

/**
 * A large job on a server of its own (so no other job's loading or unloading moves the
 * figure), left idle past every server's unload/hibernation, then woken by one edit: the
 * edit's latency and the memory the job holds before and after. Returns the second half.
 */
async function wakeLargeDoc(rig: Rig, actions: number): Promise<() => Promise<void>> {
  const server = await ServerProcess.start(rig.kind);
  const target: Target = { kind: rig.kind, port: server.port, ...(await server.prepare(1)) };
  await sleep(500);
  const before = await server.gcStats();
  const { link, device, echo } = await seedBigJob(target, target.jobIds[0]!, actions);
  return async () => {
    try {
      const idle = await server.gcStats();
      const key = keystroke(device);
      const t0 = performance.now();
      const n = link.client.sendUpdate(link.session, key.update);
      echo?.sent(key.end);
      await link.client.waitAck(link.session, n, 30_000);
      rig.figures['large doc: first edit after idle ms'] = round(performance.now() - t0);
      const woken = await server.gcStats();
      rig.figures['large doc: held idle KB'] = round((held(idle) - held(before)) / KB);
      rig.figures['large doc: held after wake KB'] = round((held(woken) - held(before)) / KB);
    } finally {
      await link.client.close();
      await server.stop();
    }
  };
}

function result(rigs: Rig[], jobs: number, points: number[], largeActions: number, finishing: boolean): ScenarioResult {
  const lastPoint = points.filter((ms) => rigs.every((r) => r.figures[column(ms)] !== undefined)).pop() ?? points[0]!;
  const per = (k: ServerKind) => rigs.find((r) => r.kind === k)?.figures[column(lastPoint)] ?? NaN;
  const bestPeer = Math.min(...rigs.filter((r) => r.kind !== 'outpost').map((r) => per(r.kind)));
  return {
    id: 'memory',
    title: `Memory (${jobs} idle jobs)`,
    rows: rigs.map((r) => ({ label: SERVER_LABELS[r.kind], server: r.kind, figures: r.figures })),
    ratios: {},
    targets: [judge(`memory: Outpost heap + ArrayBuffers per idle job ÷ best peer, after ${lastPoint / 1000} s idle`, '≤ 0.5×', per('outpost') / bestPeer, (v) => v <= 0.5)],
    notes: [
      `Each job holds a note, a 10-item checklist and ${ACTIONS_PER_JOB} field actions, with one connection open. Per idle job = (V8 heapUsed + ArrayBuffers after forced GC − the same with no job loaded) ÷ ${jobs}, read ${points.map((p) => `${p / 1000} s`).join(', ')} after that server's jobs went idle, each server on its own clock (a reading after a long wait is taken between other scenarios, so it can come later: "last reading after s" says when); the connection's own cost is included.`,
      "While later scenarios run, the idle servers wait on the load generator's core (moved with taskset), never on the server core, and are read only between scenarios.",
      'no sockets: every connection closed, read 13 s later (the server decides whether the jobs stay loaded; y-websocket-server and Hocuspocus unload a doc when its last connection closes).',
      `large doc: on a server process of its own, a job with ${largeActions} field actions, its socket left open and idle for at least 13 s (past Outpost's 10 s hibernation; the idle time runs beside the wait for the early readings), then one keystroke: the time to its ack (echo for y-websocket-server) and the memory the job holds before and after the edit.`,
      'RSS is shown for reference only; at these sizes it moves with the allocator, not with what the jobs hold.',
      ...(finishing ? ['(incomplete: the run ended before the long idle reading)'] : []),
    ],
  };
}

const column = (ms: number) => `per idle job KB @ ${ms / 1000} s`;

async function read(rig: Rig, ms: number, jobs: number, log: (l: string) => void): Promise<void> {
  await sleep(rig.idleFrom + ms - performance.now());
  const s = await rig.server.gcStats();
  rig.figures[column(ms)] = round((held(s) - held(rig.base)) / jobs / KB);
  rig.figures['last reading after s'] = round((performance.now() - rig.idleFrom) / 1000);
  rig.figures['RSS MB'] = round(s.rss / 2 ** 20);
  log(`  memory: ${rig.kind} after ${rig.figures['last reading after s']} s idle: ${rig.figures[column(ms)]} KB per job`);
}

/** Idle times (s) at which memory is read: `BENCH_MEMORY_IDLE`, or 5, 30 and 300 (quick: 5 and 13). */
export function memoryIdleSeconds(quick: boolean): number[] {
  return process.env.BENCH_MEMORY_IDLE?.split(',').map(Number) ?? (quick ? [5, 13] : [5, 30, 300]);
}

/** Memory per idle job over time, per job without sockets, and a large doc's wake. */
export const memory: Scenario = {
  id: 'memory',
  title: 'Memory',
  async run(ctx: BenchContext) {
    const jobs = ctx.quick ? 200 : 5000;
    const points = memoryIdleSeconds(ctx.quick).map((s) => s * 1000);
    const largeActions = ctx.quick ? 2000 : 10_000;
    const rigs: Rig[] = [];
    const stopAll = async () => {
      for (const rig of rigs) {
        await Promise.all(rig.links.map((l) => l.client.close()));
        await rig.server.stop();
      }
    };
    // Readings up to a minute are waited for here; longer ones between later scenarios.
    const soon = points.filter((ms) => ms <= 60_000);
    const later = points.filter((ms) => ms > 60_000);
    const finish = async () => {
      try {
        for (const ms of later) await Promise.all(rigs.map((rig) => read(rig, ms, jobs, ctx.log)));
        for (const rig of rigs) await Promise.all(rig.links.splice(0).map((l) => l.client.close()));
        await sleep(ctx.quick ? 3000 : 13_000);
        for (const rig of rigs) rig.figures['per job, no sockets KB'] = round((held(await rig.server.gcStats()) - held(rig.base)) / jobs / KB);
        return result(rigs, jobs, points, largeActions, false);
      } finally {
        await stopAll();
      }
    };
    try {
      // Each server is read on its own clock (5 s, 30 s after its jobs went idle), while the
      // next server loads: a reading is a forced GC in that server's process only.
      const early: Promise<void>[] = [];
      for (const kind of ctx.servers) {
        ctx.log(`  memory: loading ${jobs} jobs into ${kind}`);
        const rig = await load(kind, jobs);
        rigs.push(rig);
        early.push(
          (async () => {
            for (const ms of soon) await read(rig, ms, jobs, ctx.log);
          })(),
        );
      }
      // The large docs are seeded while the early readings wait, so their idle time runs
      // beside that wait (each large doc has a server process of its own; the rigs are only
      // read); they are woken once every early reading is taken.
      ctx.log(`  memory: a large doc (${largeActions} actions) left idle, then woken`);
      const seeded = (async () => {
        const wakes = [];
        for (const rig of rigs) wakes.push(await wakeLargeDoc(rig, largeActions));
        return { wakes, idleFrom: performance.now() };
      })();
      const [large] = await Promise.all([seeded, ...early]);
      await sleep(large.idleFrom + 13_000 - performance.now()); // past Outpost's 10 s hibernation and its 2.5 s sweep
      for (const wake of large.wakes) await wake();
    } catch (e) {
      await stopAll();
      throw e;
    }
    if (!later.length) return finish();
    for (const rig of rigs) movePinned(rig.server.pid, 'generator');
    return {
      ...result(rigs, jobs, points, largeActions, true),
      finish: {
        readyAt: Math.max(...rigs.map((r) => r.idleFrom)) + later[0]!,
        run: async () => {
          for (const rig of rigs) movePinned(rig.server.pid, 'server');
          return finish();
        },
      },
    };
  },
};
