/**
 * Child process entry: runs one server so its CPU time and RSS are its own. The parent
 * talks to it over the IPC channel: `{ id, cmd, arg }` → `{ id, result | error }`.
 * argv: <kind> <dataDir>
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startServer } from '../servers/start';
import type { ServerKind } from '../servers/server';

const [kind, dataDir] = process.argv.slice(2) as [ServerKind, string];

/** What the child reports for CPU and memory sampling. */
export interface ChildStats {
  rss: number;
  heapUsed: number;
  /** Memory of ArrayBuffers and Buffers outside the V8 heap (Yjs encodings, socket buffers). */
  arrayBuffers: number;
  external: number;
  cpuMicros: number;
  at: number;
  /** Event-loop delay since the last `resetLoop` (how long ready work waited for the loop). */
  loopP99Ms: number;
  loopMaxMs: number;
}

const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();

function stats(): ChildStats {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  return {
    rss: mem.rss,
    heapUsed: mem.heapUsed,
    arrayBuffers: mem.arrayBuffers,
    external: mem.external,
    cpuMicros: cpu.user + cpu.system,
    at: performance.now(),
    loopP99Ms: loop.percentile(99) / 1e6,
    loopMaxMs: loop.max / 1e6,
  };
}

/**
 * `BENCH_HEAP_SAMPLE=dir` (investigation only): samples the server's allocations from start to
 * close, objects the young and old collections freed included, and writes
 * `dir/<kind>-<pid>.heapprofile` (DevTools' format) on close: what fills the young generation.
 */
async function sampleAllocations(): Promise<(() => Promise<void>) | null> {
  const dir = process.env.BENCH_HEAP_SAMPLE;
  if (!dir) return null;
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  return async () => {
    const { profile } = await session.post('HeapProfiler.stopSampling');
    writeFileSync(`${dir}/${kind}-${process.pid}.heapprofile`, JSON.stringify(profile));
  };
}

async function main(): Promise<void> {
  const stopSampling = await sampleAllocations();
  const server = await startServer(kind, dataDir);
  const handlers: Record<string, (arg: unknown) => unknown> = {
    prepare: (count) => server.prepare(count as number),
    stats: () => stats(),
    resetLoop: () => (loop.reset(), true),
    gc: async () => {
      // Several passes: y-leveldb and ws free buffers through finalizers.
      for (let i = 0; i < 3; i++) {
        globalThis.gc?.();
        await new Promise((r) => setTimeout(r, 20));
      }
      return stats();
    },
    close: async () => {
      await server.close();
      await stopSampling?.();
      setTimeout(() => process.exit(0), 50);
      return true;
    },
  };
  process.on('message', async (msg: { id: number; cmd: string; arg: unknown }) => {
    try {
      const handler = handlers[msg.cmd];
      if (!handler) throw new Error(`unknown command ${msg.cmd}`);
      process.send?.({ id: msg.id, result: await handler(msg.arg) });
    } catch (e) {
      process.send?.({ id: msg.id, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) });
    }
  });
  process.send?.({ ready: true, port: server.port });
}

// Never outlive the benchmark: if the parent goes away, so does the server.
process.on('disconnect', () => process.exit(0));
main().catch((e) => {
  process.send?.({ ready: false, error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e) });
  setTimeout(() => process.exit(1), 50);
});
