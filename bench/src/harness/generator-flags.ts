/**
 * Node flags of the load generator (this process): a 64 MB young generation, as every server
 * gets (`SERVER_NODE_FLAGS`), and `gc()` for a collection before each measured step. The generator holds each relayed message's objects for a few
 * milliseconds at 30,000+ messages/s in the fan-out steps. A/B on 27 Nov (fan-out rig of
 * Outpost, 600 × 5 typists, steps at 6,000 and 7,000/s, alternating): held steps 26 of 40
 * with the flag against 16 of 40 without (bench/README.md, "How it is built", where the
 * rounds are given apart: the later ones differed little). `pnpm bench` passes the flags; a run started
 * without them starts itself again with them (`relaunchWithGeneratorFlags`).
 */
import { spawnSync } from 'node:child_process';

export const GENERATOR_NODE_FLAGS = ['--max-semi-space-size=64', '--expose-gc'];

/**
 * Collects the generator's heap (a full, blocking collection) once a fan-out rig's typists
 * are connected (`FanoutRig.open`), before any measured step, so the garbage of connecting
 * thousands of sockets is not collected inside a step: in a full run (27 Nov, 20:2xZ) Outpost's first
 * fan-out step at 1,000/s failed with the generator's own pause at 94 ms and its send lag
 * p99 at 74 ms, right after the three servers' 9,000 typists connected. Once, not before
 * every step: a forced collection leaves V8's old-generation limit just above what is live,
 * so the next (incremental) major collection starts within the next second or two, inside
 * the step it was meant to protect; its marking steps and its 15–19 ms scavenges after it
 * put the generator's send lag p99 at 20–100 ms in the steps that climb from a lower rate
 * (28 Nov; bench/README.md, "How it is built"). A no-op without `--expose-gc`.
 */
export function collectGeneratorHeap(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) return;
  gc();
  liveAfterCollection = process.memoryUsage().heapUsed;
}

/** The generator's heap right after its last forced collection (what it holds live), bytes; 0 before the first. */
let liveAfterCollection = 0;

/**
 * True when a heap of `usedBytes` has grown past 1.5× what was live at the last forced
 * collection (`liveBytes`; never before one). V8 set its own limit for a full collection
 * at ~1.85× the live heap after one (three rigs: 352 MB live, its own collection at 652 MB,
 * marking through the steps before it); at 2× it came first.
 */
export function heapOutgrew(usedBytes: number, liveBytes: number): boolean {
  return liveBytes > 0 && usedBytes > 1.5 * liveBytes;
}

/**
 * Collects the generator's heap before a step once it has outgrown what it held live by half
 * (`heapOutgrew`), so V8's own full collection does not come inside a step. With the fan-out's
 * three rigs open (~450 MB live) V8 let each step's promoted garbage pile up to 1 GB over 22
 * steps at 9,000/s, the generator's young collections slowing from 8 to 19 ms on the way;
 * in the full run of 29 Nov 16:54Z its collections then reached 30–116 ms a step for a
 * minute after the overload steps (bench/README.md, "The fan-out's slow stretch").
 */
export function collectGeneratorHeapIfGrown(): void {
  if (heapOutgrew(process.memoryUsage().heapUsed, liveAfterCollection)) collectGeneratorHeap();
}

/**
 * Empties the generator's young generation (a young collection, a few milliseconds) before a
 * timing whose work in the generator allocates much and briefly, so V8's own young collection
 * does not come inside it. A cold open is timed to the job's content at the device, so the
 * generator applies the answer (Outpost's big job: 190 KB, 12,850 structs) inside the timing;
 * a young collection of the generator's 64 MB space landing in that apply copied the new
 * doc and added 10–60 ms to whichever sample it hit (cold open, 29 Nov: Outpost after SIGKILL,
 * medians of 10 samples 17.7–18.6 ms in three runs of four without it (6.3 in the fourth), 6.5
 * and 7.0 in two with it).
 * A no-op without `--expose-gc`.
 */
export function emptyGeneratorYoungGeneration(): void {
  (globalThis as { gc?: (options: { type: 'minor' }) => void }).gc?.({ type: 'minor' });
}

/** The generator flags node was not started with (flags, then NODE_OPTIONS). */
export function missingGeneratorFlags(execArgv: readonly string[], nodeOptions = ''): string[] {
  const given = new Set([...execArgv, ...nodeOptions.split(/\s+/)]);
  return GENERATOR_NODE_FLAGS.filter((flag) => !given.has(flag));
}

/**
 * When this process lacks the generator's flags, runs the same command again under node
 * with them and returns its exit code; returns null when the flags are there (go on).
 */
export function relaunchWithGeneratorFlags(log: (line: string) => void): number | null {
  const missing = missingGeneratorFlags(process.execArgv, process.env.NODE_OPTIONS);
  if (missing.length === 0) return null;
  log(`  the load generator needs ${missing.join(' ')}: starting again with it`);
  const child = spawnSync(process.execPath, [...process.execArgv, ...missing, ...process.argv.slice(1)], { stdio: 'inherit' });
  return child.status ?? 1;
}
