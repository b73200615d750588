/**
 * Scale-out (issue 8, device channels since issue 15.5): relay fan-out on one Outpost node
 * against two nodes sharing Postgres and Redis, devices on the device channel with one
 * channel each on any node, or a channel per shard of jobs routed by job id. Outpost
 * only: the peers have no multi-node mode to compare with. Skipped (with a note) when
 * Postgres or Redis is not reachable.
 */
import { connect } from 'node:net';
import { measure, SCALE_CONFIGS, SCALE_WORKLOAD } from '../scale-fanout';
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
      `${SCALE_WORKLOAD.jobs} jobs × ${SCALE_WORKLOAD.clientsPerJob} typists, ${SCALE_WORKLOAD.keystrokesPerSecondPerClient} keystrokes/s each, ${seconds} s; durable acks on.`,
      SCALE_WORKLOAD.transport === 'channel'
        ? `Typists are devices on the device channel, each holding ${SCALE_WORKLOAD.jobsPerDevice} jobs (${SCALE_WORKLOAD.clientsPerJob} devices per group of jobs). any-node: one channel per device, devices round-robin over the nodes (a job\u2019s devices sit on different nodes; deliveries cross Redis); by-job: a channel per shard of the device\u2019s jobs (the job id\u2019s last character), each shard routed to one node as the nginx example\u2019s hash does, so every device of a job meets on one node.`
        : 'Socket per job on /sync/:jobId (SCALE_TRANSPORT=sync). any-node: a job\u2019s clients spread round-robin over the nodes (deliveries cross Redis); by-job: every client of a job on one node.',
      'Both nodes run on the server core when the run is pinned (Postgres and Redis are not pinned), so two nodes cannot add capacity here; the figures show the cost of the cross-node hop.',
    ];
    if (!(await reachable('127.0.0.1', 5432)) || !(await reachable('127.0.0.1', 6379))) {
      return { id: 'scale-out', title: this.title, rows: [], ratios: {}, notes: [...notes, 'skipped: Postgres or Redis is not reachable on 127.0.0.1'] };
    }
    const rows: ResultRow[] = [];
    for (const [nodes, routing] of SCALE_CONFIGS) {
      rows.push({ label: `Outpost ${nodes} node${nodes > 1 ? 's' : ''}, ${routing}`, server: 'outpost', figures: await measure(nodes, routing, seconds) });
    }
    const p50 = (i: number) => Number(rows[i]?.figures['p50 ms'] ?? NaN);
    const p99 = (i: number) => Number(rows[i]?.figures['p99 ms'] ?? NaN);
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
      targets: [judge('scale-out: 2 nodes p50, by-job ÷ any-node (by-job keeps its advantage)', '< 1×', +(p50(2) / p50(1)).toFixed(2), (v) => v < 1)],
      notes,
    };
  },
};
