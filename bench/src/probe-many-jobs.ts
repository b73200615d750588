/**
 * Where many jobs' device-channel reconnect spends its time, and a before/after of a change
 * to it: `tsx --conditions=development bench/src/probe-many-jobs.ts [other checkout]` runs
 * the scenario's reconnect (200 jobs, 50 ms each way, changes carried in the subscribe)
 * PROBE_RUNS times against Outpost from this checkout ("after") and, when given, from
 * `<other checkout>` ("before"), alternating, each server on the server core. Per run it
 * prints the milestones from the start (socket open, channelReady, subscribe sent, first
 * answer, last job synced, last durable ack) and the generator's own CPU time, then medians.
 *
 * Env: PROBE_JOBS (200), PROBE_RUNS (5), PROBE_FRESH (1: a fresh server per run), PROBE_LINK
 * (`inproc`: the proxy in this process, as before `link-process.ts`), PROBE_WARM (1: each
 * server first serves three reconnects to as many other jobs, as the scenario does), PROBE_SNAPSHOT
 * (1: signals the server after each reconnect; with BENCH_CHILD_FLAGS=--heapsnapshot-signal=SIGUSR2
 * it writes a heap snapshot).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as Y from 'yjs';
import { startDelayProxy } from './harness/delay-proxy';
import { startLinkProcess } from './harness/link-process';
import { movePinned, setUpPinning } from './harness/pinning';
import { ServerProcess } from './harness/server-process';
import { processCpuTicks } from './harness/threads';
import { percentile, round } from './harness/stats';
import { ChannelLoadClient } from './load/channel-client';
import { captureUpdates, fieldAction, newFieldDevice } from './load/field-work';
import { openJob, settle, type Target } from './load/targets';

const other = process.argv[2];
const JOBS = Number(process.env.PROBE_JOBS ?? 200);
const RUNS = Number(process.env.PROBE_RUNS ?? 5);
const ONE_WAY_MS = 50;
const WARM = process.env.PROBE_WARM === '1';

/** CPU ms a process used so far, from /proc (user + system, 10 ms ticks). */
function cpuMsOf(pid: number): number {
  return processCpuTicks(pid) * 10;
}

interface Rig {
  pid: number;
  target: Target;
  proxy: { port: number; reset(): unknown; close(): Promise<void> };
  stop: () => Promise<void>;
}

async function openRig(server: ServerProcess): Promise<Rig> {
  const proxy = process.env.PROBE_LINK !== 'inproc' ? await startLinkProcess(server.port, ONE_WAY_MS) : await startDelayProxy(server.port, ONE_WAY_MS);
  const prepared = await server.prepare(WARM ? 2 * JOBS : JOBS);
  const target: Target = { kind: 'outpost', port: server.port, ...prepared, jobIds: prepared.jobIds.slice(0, JOBS) };
  const warm: Target = { ...target, jobIds: prepared.jobIds.slice(JOBS) };
  const office = target.jobIds.map((jobId) => ({ jobId, doc: newFieldDevice(jobId, 'dana').doc }));
  const links = office.map(({ jobId, doc }) => openJob(target, jobId, doc));
  await Promise.all(links.map((l) => settle(l, 'outpost', 30_000)));
  await Promise.all(links.map((l) => l.client.close()));
  // Three rounds, as the scenario warms (many-jobs.ts, WARM_ROUNDS): after one, Yjs's encoder
  // was not yet compiled for these docs (the answers took 49 ms against 12 after three).
  for (let round = 0; WARM && round < 3; round++) await reconnect({ pid: server.pid, target: warm, proxy, stop: async () => undefined });
  return {
    pid: server.pid,
    target,
    proxy,
    stop: async () => {
      await proxy.close();
      await server.stop();
    },
  };
}

async function reconnect(rig: Rig): Promise<Record<string, number>> {
  const devices = rig.target.jobIds.map((jobId) => {
    const device = newFieldDevice(jobId, 'alice');
    captureUpdates(device.doc, () => {
      for (let i = 0; i < 5; i++) fieldAction(device);
    });
    return device;
  });
  const carried = devices.map((d) => Y.encodeStateAsUpdate(d.doc));
  await rig.proxy.reset();
  const cpu0 = process.cpuUsage();
  const serverCpu0 = cpuMsOf(rig.pid);
  const t0 = performance.now();
  const channel = new ChannelLoadClient(rig.proxy.port, rig.target.token);
  await channel.subscribeAll(
    devices.map((d) => d.doc),
    carried,
  );
  await channel.settled(60_000);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const serverCpuMs = cpuMsOf(rig.pid) - serverCpu0;
  const m = channel.marks;
  await channel.close();
  const at = (t: number) => round(t - t0);
  return {
    total: round(ms),
    open: at(m.open),
    ready: at(m.ready),
    subscribed: at(m.subscribed),
    firstAnswer: at(m.firstAnswer),
    lastSynced: at(m.lastSynced),
    lastAcked: at(m.lastAcked),
    genCpuMs: round((cpu.user + cpu.system) / 1000),
    serverCpuMs,
    handlingMs: round(m.handlingMs),
  };
}

async function main(): Promise<void> {
  setUpPinning((l) => console.log(l));
  const starters: Record<string, () => Promise<ServerProcess>> = { after: () => ServerProcess.start('outpost') };
  if (other) {
    const theirs = (await import(pathToFileURL(resolve(other, 'bench/src/harness/server-process.ts')).href)) as { ServerProcess: typeof ServerProcess };
    starters.before = async () => {
      const server = await theirs.ServerProcess.start('outpost');
      // Their harness is its own module instance, unaware of this run's pinning.
      movePinned(server.pid, 'server');
      return server;
    };
  }
  // Each run on a fresh server, as the scenario's first reconnect (later ones would also
  // carry the earlier devices' changes in every answer); PROBE_FRESH=0 reuses one per side.
  const fresh = process.env.PROBE_FRESH !== '0';
  const kept: Record<string, Rig> = {};
  const rigFor = async (which: string) => (fresh ? openRig(await starters[which]!()) : (kept[which] ??= await openRig(await starters[which]!())));
  const samples: Record<string, Record<string, number>[]> = {};
  try {
    for (let run = 0; run < RUNS; run++) {
      const order = Object.keys(starters);
      if (run % 2 === 1) order.reverse();
      for (const which of order) {
        const rig = await rigFor(which);
        const r = await reconnect(rig);
        if (process.env.PROBE_SNAPSHOT) {
          // Run with BENCH_CHILD_FLAGS=--heapsnapshot-signal=SIGUSR2: the server's heap after the reconnect.
          process.kill(rig.pid, 'SIGUSR2');
          await new Promise((r) => setTimeout(r, 4000));
        }
        if (fresh) await rig.stop();
        (samples[which] ??= []).push(r);
        console.log(`${which} run ${run}: ${JSON.stringify(r)}`);
      }
    }
  } finally {
    for (const rig of Object.values(kept)) await rig.stop();
  }
  for (const [which, runs] of Object.entries(samples)) {
    const keys = Object.keys(runs[0]!);
    console.log(
      `${which} medians: ${JSON.stringify(
        Object.fromEntries(
          keys.map((k) => [
            k,
            round(
              percentile(
                [...runs.map((r) => r[k]!)].sort((a, b) => a - b),
                50,
              ),
            ),
          ]),
        ),
      )}`,
    );
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
