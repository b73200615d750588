/**
 * Fan-out per durability (issue 18.3): the open-loop fan-out step (load/fanout-rig.ts) for
 * Outpost on SQLite FULL, SQLite process-only and Postgres at fixed offered rates, variants
 * interleaved per run, so the cost of each durability level on relay latency is visible.
 * The peers' rows are in the main fan-out scenario (they store nothing per update).
 */
import { alone } from '../harness/server-process';
import { interleaved, round, showSpread, spread } from '../harness/stats';
import { FanoutRig, openRigs, type StepFigures } from '../load/fanout-rig';
import { durabilityVariants, startVariant } from '../load/variants';
import type { BenchContext, ResultRow, Scenario } from './scenario';

const CLIENTS_PER_JOB = 5;

/** Outpost fan-out at fixed rates per durability variant. */
export const fanoutDurability: Scenario = {
  id: 'fanout-durability',
  title: 'Fan-out per durability',
  async run(ctx: BenchContext) {
    const notes: string[] = [];
    const variants = (await durabilityVariants(ctx.servers, notes)).filter((v) => v.kind === 'outpost');
    const [jobs, rates, ms] = ctx.quick ? [40, [400, 800], 1500] : [300, [2000, 4000], 1500];
    const runs = ctx.quick ? 1 : Math.min(ctx.runs, 2);
    const rigs: { id: string; label: string; rig: FanoutRig }[] = [];
    const results = new Map<string, StepFigures[]>();
    try {
      const opened = await openRigs(variants.map((v) => () => FanoutRig.open('outpost', jobs, CLIENTS_PER_JOB, () => startVariant(v))));
      for (const [i, v] of variants.entries()) rigs.push({ id: v.id, label: v.label, rig: opened[i]! });
      for (let r = 0; r < runs; r++) {
        for (const rate of rates) {
          for (const x of interleaved(rigs, r)) {
            const f = await alone(
              rigs.map((y) => y.rig.server),
              x.rig.server,
              () => x.rig.step(rate, ms, 500, 500, CLIENTS_PER_JOB),
            );
            ctx.log(`  fan-out durability: ${x.id} @ ${rate}/s → p50 ${f.p50} p99 ${f.p99} ms${f.held ? '' : ' (not held)'}`);
            results.set(`${x.id}@${rate}`, [...(results.get(`${x.id}@${rate}`) ?? []), f]);
          }
        }
      }
    } finally {
      for (const x of rigs) await x.rig.close();
    }
    const rows: ResultRow[] = variants.flatMap((v) =>
      rates.map((rate) => {
        const rs = results.get(`${v.id}@${rate}`) ?? [];
        return {
          label: `${v.label} @ ${rate}/s`,
          server: 'outpost' as const,
          figures: {
            sockets: jobs * CLIENTS_PER_JOB,
            runs: rs.length,
            'held runs': `${rs.filter((f) => f.held).length}/${rs.length}`,
            'p50 ms': showSpread(spread(rs.map((f) => f.p50))),
            'p99 ms': showSpread(spread(rs.map((f) => f.p99))),
            'delivered %': round(spread(rs.map((f) => f.deliveredPercent)).median),
            'server CPU %': round(spread(rs.map((f) => f.serverCpuPercent)).median),
            'server loop p99 / max ms': `${round(spread(rs.map((f) => f.serverLoopP99)).median)} / ${round(spread(rs.map((f) => f.serverLoopMax)).median)}`,
            ack: v.ack,
          },
        };
      }),
    );
    return {
      id: 'fanout-durability',
      title: `Fan-out per durability (Outpost, ${jobs}×${CLIENTS_PER_JOB} typists)`,
      rows,
      ratios: {},
      notes: [
        `The fan-out step of the main scenario (open loop, latency from the planned send, held = p99 ≤ 100 ms and ≥ 99 % delivered) at ${rates.join(' and ')} updates/s, ${ms / 1000} s each; ${runs} runs, variants interleaved, median (range); the variants not being measured wait paused (SIGSTOP). Durable acks on.`,
        ...notes,
      ],
    };
  },
};
