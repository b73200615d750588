/**
 * Runs a benchmarked server in its own child process (Node with --expose-gc, running the
 * compiled child entry and `@outpost/server`'s dist, harness/compiled.ts), so the load
 * generator's CPU and memory never count against it. `BENCH_PROFILE=<dir>`
 * writes a V8 CPU profile per server process there.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildStats } from './child';
import { compiledChildren } from './compiled';
import { serverLauncher } from './pinning';
import type { PreparedJobs, ServerKind } from '../servers/server';

/** A server child process and the RPCs it answers. */
export class ServerProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private exited = false;

  private constructor(
    readonly kind: ServerKind,
    readonly dataDir: string,
    readonly port: number,
    private readonly child: ChildProcess,
    private readonly ownsDataDir: boolean,
  ) {
    child.on('message', (msg: { id?: number; result?: unknown; error?: string }) => {
      const p = msg.id === undefined ? undefined : this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id!);
      if (msg.error) p.reject(new Error(`${kind} child: ${msg.error}`));
      else p.resolve(msg.result);
    });
    child.on('exit', () => {
      this.exited = true;
      for (const p of this.pending.values()) p.reject(new Error(`${kind} server process exited`));
      this.pending.clear();
    });
  }

  /** The server's process id (for SIGKILL scenarios and /proc readings). */
  get pid(): number {
    return this.child.pid!;
  }

  /**
   * Starts `kind`; with no `dataDir` a fresh temp directory is made and removed on stop.
   * `env` adds variables for the child.
   * Pinned to the server core when the run is pinned (harness/pinning.ts).
   */
  static async start(kind: ServerKind, dataDir?: string, env: Record<string, string> = {}): Promise<ServerProcess> {
    const dir = dataDir ?? mkdtempSync(join(tmpdir(), `outpost-bench-${kind}-`));
    const launcher = serverLauncher();
    const { child: childEntry } = await compiledChildren();
    const execArgv = [...launcher.prefix, '--expose-gc'];
    if (process.env.BENCH_PROFILE) execArgv.push('--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`);
    // Extra Node flags for a server process while investigating (e.g. --trace-gc).
    if (process.env.BENCH_CHILD_FLAGS) execArgv.push(...process.env.BENCH_CHILD_FLAGS.split(' ').filter(Boolean));
    const child = fork(childEntry, [kind, dir], {
      execPath: launcher.execPath,
      execArgv,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const ready = await new Promise<{ ready: boolean; port?: number; error?: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${kind} server did not start within 30 s`)), 30_000);
      child.once('message', (m: { ready: boolean; port?: number; error?: string }) => {
        clearTimeout(timer);
        resolve(m);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${kind} server exited with ${code} before it was ready`));
      });
    });
    if (!ready.ready || !ready.port) {
      child.kill('SIGKILL');
      throw new Error(`${kind} server failed to start: ${ready.error}`);
    }
    return new ServerProcess(kind, dir, ready.port, child, dataDir === undefined);
  }

  private call<T>(cmd: string, arg?: unknown, timeoutMs = 60_000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.kind} server process has exited`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.kind} server: ${cmd} timed out`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v as T)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.child.send({ id, cmd, arg });
    });
  }

  /** Makes `count` jobs writable and returns their ids and a token. */
  prepare(count: number): Promise<PreparedJobs> {
    return this.call('prepare', count);
  }

  /** Current RSS, heap and cumulative CPU time of the server process. */
  stats(): Promise<ChildStats> {
    return this.call('stats');
  }

  /** Starts a new event-loop delay measurement in the server process. */
  resetLoop(): Promise<boolean> {
    return this.call('resetLoop');
  }

  /** Forces garbage collection, then reports stats (for memory figures). */
  gcStats(): Promise<ChildStats> {
    return this.call('gc');
  }

  /** Closes the server gracefully (peers flush storage), then ends the process. */
  async stop(keepData = false): Promise<void> {
    if (!this.exited) {
      const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
      await this.call('close', undefined, 20_000).catch(() => undefined);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (!this.exited) this.child.kill('SIGKILL');
    }
    if (this.ownsDataDir && !keepData) rmSync(this.dataDir, { recursive: true, force: true });
  }

  /**
   * Ends a server whose data nobody reads again, at once (SIGKILL) and removes its data;
   * gracefully when profiles are taken (`BENCH_PROFILE`, `BENCH_HEAP_SAMPLE`: written on exit or close).
   */
  async discard(): Promise<void> {
    if (process.env.BENCH_PROFILE || process.env.BENCH_HEAP_SAMPLE) await this.stop();
    else await this.kill();
    this.removeData();
  }

  /** SIGKILL: the server ends at once, nothing flushed or compacted (a crash, an OOM kill). */
  async kill(): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGKILL');
    await exited;
  }

  /**
   * Stops the process where it stands (SIGSTOP) until `resume`: a scenario holding several
   * servers at once pauses the ones not measured, so their timers (quiet compaction,
   * hibernation, debounced stores) never run on the server core inside another's measurement.
   */
  pause(): void {
    if (!this.exited) this.child.kill('SIGSTOP');
  }

  /** Lets a paused process run again (SIGCONT). */
  resume(): void {
    if (!this.exited) this.child.kill('SIGCONT');
  }

  /** Removes the data directory (when this process made it). */
  removeData(): void {
    if (this.ownsDataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Runs `work` with every server of `all` but `measured` paused (see `ServerProcess.pause`); `measured` null: all of them. */
export async function alone<T>(all: readonly ServerProcess[], measured: ServerProcess | null, work: () => Promise<T>): Promise<T> {
  const others = all.filter((s) => s !== measured);
  for (const s of others) s.pause();
  try {
    return await work();
  } finally {
    for (const s of others) s.resume();
  }
}

/** What `sampleWhile` measured in the server process. */
export interface Sampled<T> {
  result: T;
  cpuPercent: number;
  peakRssMb: number;
  /** Event-loop delay in the server while `work` ran: p99 and the longest stall. */
  loopP99Ms: number;
  loopMaxMs: number;
}

/** Samples a server's CPU (% of one core), peak RSS and event-loop delay while `work` runs. */
export async function sampleWhile<T>(server: ServerProcess, work: () => Promise<T>, everyMs = 250): Promise<Sampled<T>> {
  await server.resetLoop();
  const first = await server.stats();
  let peak = first.rss;
  let running = true;
  // The wait between samples ends as soon as `work` does: awaiting a sleeping sampler added
  // half an interval and one more stats call to every measurement (ack latency makes 150).
  let wake = () => {};
  const sampler = (async () => {
    for (let i = 0; running && i < 100_000; i++) {
      await new Promise<void>((r) => {
        const timer = setTimeout(r, everyMs);
        wake = () => (clearTimeout(timer), r());
      });
      if (!running) break;
      const s = await server.stats().catch(() => null);
      if (s) peak = Math.max(peak, s.rss);
    }
  })();
  try {
    const result = await work();
    const last = await server.stats();
    peak = Math.max(peak, last.rss);
    const cpuPercent = ((last.cpuMicros - first.cpuMicros) / 1000 / (last.at - first.at)) * 100;
    return { result, cpuPercent, peakRssMb: peak / 2 ** 20, loopP99Ms: last.loopP99Ms, loopMaxMs: last.loopMaxMs };
  } finally {
    running = false;
    wake();
    await sampler;
  }
}
