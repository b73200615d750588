/**
 * Workflow ops over the 50 ms link (issue 18.7): a technician's device comes back online
 * with 50 queued workflow ops (25 jobs: "Start travel" then "I'm here" on each) and sends
 * them the way `@outpost/client`'s outbox drain does — one at a time, in `deviceSeq` order,
 * each awaited, through the client's own `Api` (fetch, keep-alive). Ops are ordered by
 * design (a job's status machine and the device's sequence), so the floor is one round
 * trip per op; the figure shows how close the path comes to it. Outpost only: the peers
 * have no workflow ops.
 */
import { randomUUID } from 'node:crypto';
import { Api } from '../../../packages/client/src/sync/api';
import { startDelayProxy } from '../harness/delay-proxy';
import { ServerProcess } from '../harness/server-process';
import { round, showSpread, spread } from '../harness/stats';
import type { BenchContext, ResultRow, Scenario } from './scenario';

const ONE_WAY_MS = 50;
const JOBS = 25;
const STEPS = ['en_route', 'on_site'] as const;

interface Replay {
  ms: number;
  applied: number;
  other: string[];
  bytes: number;
  turns: number;
}

async function replay(api: Api, jobIds: string[], proxyCounters: () => { bytes: number; turns: number }): Promise<Replay> {
  // What the device knows of each job before it went offline (not timed).
  const versions = new Map<string, number>();
  for (const id of jobIds) versions.set(id, ((await api.request<{ job: { version: number } }>('GET', `/api/jobs/${id}`)).body.job?.version ?? 0));
  const deviceId = `bench-device-${randomUUID()}`;
  const queue = STEPS.flatMap((to, s) => jobIds.map((jobId) => ({ jobId, to, base: versions.get(jobId)! + s })));
  const start = proxyCounters();
  const t0 = performance.now();
  let applied = 0;
  const other: string[] = [];
  for (const [i, op] of queue.entries()) {
    const body = { opId: randomUUID(), jobId: op.jobId, deviceId, deviceSeq: i + 1, kind: 'transition', to: op.to, occurredAt: new Date().toISOString(), baseVersion: op.base, docState: 'AA==' };
    const answer = await api.request<{ result?: { outcome: string }; error?: { code: string } }>('POST', `/api/jobs/${op.jobId}/ops`, body);
    if (answer.status === 200 && answer.body.result?.outcome === 'applied') applied++;
    else other.push(`${answer.status} ${answer.body.error?.code ?? ''}`);
  }
  const ms = performance.now() - t0;
  const end = proxyCounters();
  return { ms, applied, other, bytes: end.bytes - start.bytes, turns: end.turns - start.turns };
}

/** 50 queued workflow ops sent as the outbox drain sends them, over the 50 ms link. */
export const opsReplay: Scenario = {
  id: 'ops-replay',
  title: 'Workflow ops after reconnect',
  async run(ctx: BenchContext) {
    const rows: ResultRow[] = [];
    const notes: string[] = [];
    if (!ctx.servers.includes('outpost')) return { id: 'ops-replay', title: this.title, rows, ratios: {}, notes: ['skipped: Outpost is not in this run'] };
    const runs = ctx.quick ? 1 : Math.min(ctx.runs, 3);
    const server = await ServerProcess.start('outpost');
    const proxy = await startDelayProxy(server.port, ONE_WAY_MS);
    const results: Replay[] = [];
    try {
      const prepared = await server.prepare(JOBS * runs);
      for (let r = 0; r < runs; r++) {
        // A fresh client per run (a fresh device id); the job reads before timing open the connection.
        const api = new Api(`http://127.0.0.1:${proxy.port}`, fetch);
        api.token = prepared.token;
        const result = await replay(api, prepared.jobIds.slice(r * JOBS, (r + 1) * JOBS), () => ({ bytes: proxy.counters.bytesUp + proxy.counters.bytesDown, turns: proxy.counters.turns }));
        ctx.log(`  ops replay run ${r + 1}: ${round(result.ms)} ms, ${result.applied} applied${result.other.length ? `, others: ${result.other.slice(0, 3).join(', ')}` : ''}`);
        results.push(result);
      }
    } finally {
      await proxy.close();
      await server.stop();
    }
    const ops = JOBS * STEPS.length;
    const ms = spread(results.map((r) => r.ms));
    rows.push({
      label: `Outpost, ${ops} ops, one at a time`,
      server: 'outpost',
      figures: {
        runs: results.length,
        'time ms': showSpread(ms),
        'ms per op': round(ms.median / ops),
        'elapsed ÷ RTT': round(ms.median / (2 * ONE_WAY_MS)),
        'RTT floor': ops,
        applied: Math.min(...results.map((r) => r.applied)),
        'KB total': round(spread(results.map((r) => r.bytes)).median / 1024),
      },
    });
    notes.push(
      `${JOBS} jobs × ${STEPS.length} transitions (Start travel, I'm here) queued on one device; each POST /api/jobs/:id/ops awaited before the next, as the outbox drain sends them (order per job and per device), through @outpost/client's Api with keep-alive; ${runs} runs, median (range).`,
      `The floor for ordered one-at-a-time ops is one round trip (${2 * ONE_WAY_MS} ms) per op; "elapsed ÷ RTT" above the op count is server time or connection setup.`,
    );
    return { id: 'ops-replay', title: `Workflow ops after reconnect (${ops} queued, 50 ms one-way delay)`, rows, ratios: {}, notes };
  },
};
