/**
 * Scale-out (issue 8, device channels since issue 15.5): relay fan-out on one Outpost node
 * against two nodes sharing Postgres and Redis, devices on the device channel with one
 * channel each on any node, or a channel per shard of jobs routed by job id. Outpost
 * only: the peers have no multi-node mode to compare with. Skipped (with a note) when
 * Postgres or Redis is not reachable.
 */
import { connect } from 'node:net';
import { compare, SCALE_CONFIGS, SCALE_WORKLOAD } from '../scale-fanout';
import { medianRun, showSpread, spread } from '../harness/stats';
import { judge, type ResultRow, type Scenario, type ScenarioResult } from './scenario';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.setTimeout(1000, () => (socket.destroy(), resolve(false)));
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

export const scaleOut: Scenario = {
  id: 'scale-out',
  title: 'Scale-out: fan-out on 1 node vs 2 nodes (Postgres + Redis)',
  async run(ctx): Promise<ScenarioResult> {
    const seconds = ctx.quick ? 2 : SCALE_WORKLOAD.seconds;
    const notes = [
      `${SCALE_WORKLOAD.jobs} jobs × ${SCALE_WORKLOAD.clientsPerJob} typists per configuration, ${SCALE_WORKLOAD.keystrokesPerSecondPerClient} keystrokes/s each; durable acks on.`,
      SCALE_WORKLOAD.transport === 'channel'
        ? `Typists are devices on the device channel, each holding ${SCALE_WORKLOAD.jobsPerDevice} jobs (${SCALE_WORKLOAD.clientsPerJob} devices per group of jobs). any-node: one channel per device, devices round-robin over the nodes (a job\u2019s devices sit on different nodes; deliveries cross Redis); by-job: a channel per shard of the device\u2019s jobs (the job id\u2019s last character), each shard routed to one node as the nginx example\u2019s hash does, so every device of a job meets on one node.`
        : 'Socket per job on /sync/:jobId (SCALE_TRANSPORT=sync). any-node: a job\u2019s clients spread round-robin over the nodes (deliveries cross Redis); by-job: every client of a job on one node.',
      'Both nodes run on the server core when the run is pinned (Postgres and Redis are not pinned), so two nodes cannot add capacity here; the figures show the cost of the cross-node hop.',
    ];
    if (!(await reachable('127.0.0.1', 5432)) || !(await reachable('127.0.0.1', 6379))) {
      return { id: 'scale-out', title: this.title, rows: [], ratios: {}, notes: [...notes, 'skipped: Postgres or Redis is not reachable on 127.0.0.1'] };
    }
    const windows = await compare(seconds, ctx.runs, ctx.log);
    // A row per configuration: median (range) of its windows' p50 and p99; the other figures from its median-p50 window.
    const rows: ResultRow[] = SCALE_CONFIGS.map(([nodes, routing], i) => {
      const runs = windows[i]!;
      const { run: median, spread: p50s } = medianRun(runs, 'p50 ms');
      const p99s = spread(runs.map((w) => Number(w['p99 ms'])));
      return {
        label: `Outpost ${nodes} node${nodes > 1 ? 's' : ''}, ${routing}`,
        server: 'outpost',
        figures: { ...median, runs: runs.length, 'p50 ms': showSpread(p50s), 'p99 ms': showSpread(p99s) },
        spreads: { 'p50 ms': p50s, 'p99 ms': p99s },
      };
    });
    const p50 = (i: number) => rows[i]?.spreads?.['p50 ms']?.median ?? NaN;
    const p99 = (i: number) => rows[i]?.spreads?.['p99 ms']?.median ?? NaN;
    // The same ratio window by window (both rigs measured within one interleaved run): how far it moves.
    const perRun = windows[2]!.map((w, r) => +(Number(w['p50 ms']) / Number(windows[1]![r]!['p50 ms'])).toFixed(2));
    return {
      id: 'scale-out',
      title: this.title,
      rows,
      ratios: {
        'p50 2 nodes any-node / 1 node': +(p50(1) / p50(0)).toFixed(2),
        'p50 2 nodes by-job / 1 node': +(p50(2) / p50(0)).toFixed(2),
        'p99 2 nodes any-node / 1 node': +(p99(1) / p99(0)).toFixed(2),
        'p99 2 nodes by-job / 1 node': +(p99(2) / p99(0)).toFixed(2),
      },
      // Issue 15.5: the by-job routing keeps its latency advantage over any-node routing.
      targets: [judge('scale-out: 2 nodes p50, by-job ÷ any-node (medians of the runs; by-job keeps its advantage)', '< 1×', +(p50(2) / p50(1)).toFixed(2), (v) => v < 1)],
      notes: [
        ...notes,
        `${ctx.runs} window${ctx.runs === 1 ? '' : 's'} of ${seconds} s per configuration, interleaved (order rotated per run), after a 1 s warm-up on each configuration's first window and a 0.5 s lead-in on later ones; p50 and p99 are the median (range) of the windows, the other figures those of the median window. The two 2-node configurations share one cluster of nodes, each with ${SCALE_WORKLOAD.jobs} jobs of its own (the other's typists connected and idle); the cluster not being measured waits paused (SIGSTOP).`,
        `by-job ÷ any-node p50, window by window: ${perRun.join(', ')}.`,
      ],
    };
  },
};
