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
  (globalThis as { gc?: () => void }).gc?.();
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
