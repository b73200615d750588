/**
 * Before/after of one Outpost change under fan-out (issue 18.9), back to back in the same
 * conditions: `tsx --conditions=development bench/src/ab-fanout.ts <other checkout>` starts
 * Outpost from this checkout ("after") and from `<other checkout>` ("before", e.g. a
 * `git worktree` of main), connects AB_JOBS × 5 typists to each, and runs the fan-out step
 * at each AB_RATES rate AB_RUNS times, alternating which goes first. Pinned like `pnpm
 * bench` (server core / generator core); the one not being measured waits paused. Prints a
 * line per step and a JSON summary.
 *
 * Env: AB_JOBS (600), AB_RATES (3000,5000), AB_RUNS (3), AB_MS (3000), AB_FROZEN_MS (0: both
 * servers wait paused this long before each step, as a server waits through the other
 * servers' steps in a full run; what a server does when its timers come due during a
 * freeze shows at the start of its next step), AB_BEFORE_FLAGS (Node flags for the "before"
 * server only: with this checkout as the other one, a flag against none).
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { movePinned, setUpPinning } from './harness/pinning';
import { alone, ServerProcess } from './harness/server-process';
import { sleep, spread } from './harness/stats';
import { describeStep, FanoutRig, openRigs, type StepFigures } from './load/fanout-rig';

const other = process.argv[2];
if (!other) throw new Error('usage: ab-fanout.ts <checkout to compare against>');
const JOBS = Number(process.env.AB_JOBS ?? 600);
const RATES = (process.env.AB_RATES ?? '3000,5000').split(',').map(Number);
const RUNS = Number(process.env.AB_RUNS ?? 3);
const MS = Number(process.env.AB_MS ?? 3000);
const FROZEN_MS = Number(process.env.AB_FROZEN_MS ?? 0);
const BEFORE_FLAGS = process.env.AB_BEFORE_FLAGS ?? '';

async function main(): Promise<void> {
  const log = (l: string) => console.log(l);
  setUpPinning(log);
  const theirs = (await import(pathToFileURL(resolve(other!, 'bench/src/harness/server-process.ts')).href)) as { ServerProcess: typeof ServerProcess };
  const [before, after] = await openRigs([
    () =>
      FanoutRig.open('outpost', JOBS, 5, async () => {
        // AB_BEFORE_FLAGS: Node flags for the "before" server only (the same checkout on both
        // sides compares a flag, e.g. a young generation size), after the run's own.
        const flags = process.env.BENCH_CHILD_FLAGS;
        if (BEFORE_FLAGS) process.env.BENCH_CHILD_FLAGS = `${flags ?? ''} ${BEFORE_FLAGS}`;
        const server = await theirs.ServerProcess.start('outpost').finally(() => {
          if (flags === undefined) delete process.env.BENCH_CHILD_FLAGS;
          else process.env.BENCH_CHILD_FLAGS = flags;
        });
        // Their harness is its own module instance, unaware of this run's pinning (it would
        // launch on the generator core this process now has): move it to the server core.
        movePinned(server.pid, 'server');
        return { server, cleanup: () => server.stop() };
      }),
    () => FanoutRig.open('outpost', JOBS, 5),
  ]);
  const rigs: Record<'before' | 'after', FanoutRig> = { before: before!, after: after! };
  log(`connected ${JOBS}×5 typists to each`);
  const samples: Record<string, StepFigures[]> = {};
  try {
    for (let run = 0; run < RUNS; run++) {
      for (const rate of RATES) {
        const order = (run + rate / 1000) % 2 < 1 ? (['before', 'after'] as const) : (['after', 'before'] as const);
        for (const which of order) {
          if (FROZEN_MS > 0) await alone([rigs.before.server, rigs.after.server], null, () => sleep(FROZEN_MS));
          // The other server waits paused (SIGSTOP), as in the fan-out scenario: both share the
          // server core, and its timers (pings, compactions, sweeps) would run inside this step.
          const f = await alone([rigs.before.server, rigs.after.server], rigs[which].server, () => rigs[which].step(rate, MS, 1000, 500, 5));
          (samples[`${which} @ ${rate}`] ??= []).push(f);
          log(`${which} @ ${rate}/s: ${describeStep(f)}`);
        }
      }
    }
  } finally {
    await rigs.before.close();
    await rigs.after.close();
  }
  const summary = Object.fromEntries(
    Object.entries(samples).map(([k, fs]) => [
      k,
      {
        p50: spread(fs.map((f) => f.p50)),
        p99: spread(fs.map((f) => f.p99)),
        cpu: spread(fs.map((f) => f.serverCpuPercent)),
        loopP99: spread(fs.map((f) => f.serverLoopP99)),
        loopMax: spread(fs.map((f) => f.serverLoopMax)),
      },
    ]),
  );
  console.log(JSON.stringify(summary, null, 1));
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
