/**
 * CPU pinning (issue 18.1): the server under test runs on one core and the load generator
 * (this process, all its threads, and everything it spawns unpinned, such as Chromium) on
 * the other, so "the largest load one core of server holds" is what a step measures and
 * the offered rate no longer depends on which server shares the generator's core.
 * Pinning needs `taskset` (util-linux) and at least two cores; without them the run goes
 * on unpinned and says so in the log and in the results.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

/** What the run did about pinning, recorded in the results. */
export interface Pinning {
  pinned: boolean;
  /** Core (as `taskset -c` takes it) of the servers under test; undefined when unpinned. */
  serverCore?: number;
  /** Core of the load generator process and its threads. */
  generatorCore?: number;
  /** Why the run is unpinned, or how it is pinned, in words. */
  note: string;
}

function tasksetPath(): string | null {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return 'taskset';
  } catch {
    return null;
  }
}

/** The cores this process may run on, from `taskset -pc`. */
function allowedCores(): number[] {
  const out = execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' });
  const list = out.split(':').pop()!.trim();
  return list.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return b === undefined ? [a!] : Array.from({ length: b - a! + 1 }, (_, i) => a! + i);
  });
}

let decided: Pinning | undefined;

/**
 * Decides the pinning once per run and pins this process (every thread, `-a`) to the
 * generator core. `BENCH_PIN=0` turns pinning off on purpose.
 */
export function setUpPinning(log: (line: string) => void): Pinning {
  if (decided) return decided;
  if (process.env.BENCH_PIN === '0') decided = { pinned: false, note: 'unpinned: BENCH_PIN=0' };
  else if (!tasksetPath()) decided = { pinned: false, note: 'unpinned: taskset is not installed (util-linux)' };
  else {
    const cores = allowedCores();
    if (cores.length < 2 || availableParallelism() < 2) decided = { pinned: false, note: `unpinned: only ${cores.length} core available` };
    else {
      const [generatorCore, serverCore] = [cores[0]!, cores[cores.length - 1]!];
      execFileSync('taskset', ['-a', '-pc', String(generatorCore), String(process.pid)], { stdio: 'ignore' });
      decided = {
        pinned: true,
        serverCore,
        generatorCore,
        note: `pinned with taskset: server under test on core ${serverCore} (node ${[...ONE_CORE_FLAGS, ...BENCH_SERVER_FLAGS].join(' ')}), load generator (all its threads, Chromium) on core ${generatorCore}`,
      };
    }
  }
  log(decided.pinned ? `  ${decided.note}` : `! ${decided.note}; generator and server share the cores, so high-load figures measure the machine as much as the server`);
  return decided;
}

/** The pinning decided for this run (unpinned when `setUpPinning` has not run). */
export function currentPinning(): Pinning {
  return decided ?? { pinned: false, note: 'unpinned: pinning not set up' };
}

/**
 * How to launch a server process: `taskset -c <core> <node> --single-threaded-gc …` when
 * pinned (`ONE_CORE_FLAGS`), plain `node` otherwise. Threads the process starts later (libuv pool, workers) inherit the mask.
 */
export function serverLauncher(): { execPath: string; prefix: string[] } {
  const p = currentPinning();
  return p.pinned
    ? { execPath: 'taskset', prefix: ['-c', String(p.serverCore), process.execPath, ...ONE_CORE_FLAGS, ...BENCH_SERVER_FLAGS] }
    : { execPath: process.execPath, prefix: [...BENCH_SERVER_FLAGS] };
}

/**
 * Node flags of every server process, Outpost's and the peers' alike (like for like): the
 * young generation Outpost's start command sets (docs/decisions.md, "The server runs with a
 * 64 MB young generation"). With V8's default 16 MB semi-space, per-message objects that
 * live a few milliseconds (a relayed update waiting for its commit) outlived two scavenges
 * at fan-out rates and were promoted, so Outpost's old generation filled and its major
 * collections landed inside steps (traced); the peers gained as much. Fan-out, one machine,
 * highest held rate without → with: Outpost 1,000 → 6,000/s, y-websocket-server 3,000 →
 * 7,000, Hocuspocus 1,000 → 5,300 (27 Nov; bench/README.md).
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=64'];

/**
 * Node flags of every server process pinned to one core, whatever the server. V8 sizes its
 * garbage collector's helper threads by the machine's cores, not the process's affinity:
 * on one core they only take turns with the event loop (and Outpost's log writer thread),
 * so a parallel scavenge or concurrent marking costs the loop more than doing it itself.
 * Measured on Outpost's 200-job reconnect: the commit's thread waited up to 25 ms for the
 * core behind GC threads; with the flag the median reconnect went from ~340 to ~310 ms.
 */
export const ONE_CORE_FLAGS = ['--single-threaded-gc'];

/**
 * Node flags of every server process the bench starts, whatever the server, because the
 * bench pauses the servers it is not measuring (SIGSTOP): V8's memory reducer, whose check
 * comes due during the pause, reads the frozen process as idle at the resume and starts a
 * full collection that compacts the whole heap, just as the next step begins. Traced in a
 * fan-out run (Outpost and Hocuspocus, 5 runs a rate, 29 Nov): a "Mark-Compact (reduce)"
 * ~111–114 s in, its atomic pause 179.5 ms in Outpost and 179.6 ms in Hocuspocus, and the
 * loop stalls of late low-rate steps; with the flag, the same run had none and no
 * old-generation collection after start-up. A deployment is not paused between its own
 * bursts, so Outpost's start command does not pass it (bench/README.md, "How it is built").
 */
export const PAUSED_SERVER_FLAGS = ['--no-memory-reducer'];

/** The Node flags every server process the bench starts gets (besides `ONE_CORE_FLAGS` when pinned). */
export const BENCH_SERVER_FLAGS = [...SERVER_NODE_FLAGS, ...PAUSED_SERVER_FLAGS];

/**
 * Moves a running process (every thread) to the generator core (`to: 'generator'`) or back
 * to the server core; a no-op when unpinned. The memory scenario parks its idle servers on
 * the generator core while later scenarios use the server core.
 */
export function movePinned(pid: number, to: 'generator' | 'server'): void {
  const p = currentPinning();
  if (!p.pinned) return;
  execFileSync('taskset', ['-a', '-pc', String(to === 'generator' ? p.generatorCore : p.serverCore), String(pid)], { stdio: 'ignore' });
}
