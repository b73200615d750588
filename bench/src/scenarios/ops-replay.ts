/**
 * Workflow ops over the 50 ms link (issue 18.7, issue 15.3): a technician's device comes
 * back online with 50 queued workflow ops (25 jobs: "Start travel" then "I'm here" on each)
 * and sends them through the client's own `ServerHttp` (fetch, keep-alive) two ways:
 *
 * - one at a time, in `deviceSeq` order, each awaited — the outbox drain before issue 15
 *   (still its fallback against a server without the batch route). Ops are ordered by design
 *   (a job's status machine and the device's sequence), so the floor is one round trip per op;
 * - in one batch (`POST /api/ops`), as the drain sends its queue now: applied in device order
 *   per job on the server, every op answered in one response — one round trip in all.
 *
 * Outpost only: the peers have no workflow ops.
 */
import { randomUUID } from 'node:crypto';
import { ServerHttp } from '../../../packages/client/src/sync/server-http';
import { startDelayProxy } from '../harness/delay-proxy';
import { ServerProcess } from '../harness/server-process';
import { round, showSpread, spread } from '../harness/stats';
import { judge, type BenchContext, type ResultRow, type Scenario, type TargetLine } from './scenario';

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

/** How the queue goes up. */
type Mode = 'one at a time' | 'one batch';
const MODES: readonly Mode[] = ['one at a time', 'one batch'];

async function replay(api: ServerHttp, jobIds: string[], mode: Mode, proxyCounters: () => { bytes: number; turns: number }): Promise<Replay> {
  // What the device knows of each job before it went offline (not timed).
  const versions = new Map<string, number>();
  for (const id of jobIds) versions.set(id, (await api.request<{ job: { version: number } }>('GET', `/api/jobs/${id}`)).body.job?.version ?? 0);
  const deviceId = `bench-device-${randomUUID()}`;
  const queue = STEPS.flatMap((to, s) => jobIds.map((jobId) => ({ jobId, to, base: versions.get(jobId)! + s })));
  const start = proxyCounters();
  const t0 = performance.now();
  let applied = 0;
  const other: string[] = [];
  const ops = queue.map((op, i) => ({
    opId: randomUUID(),
    jobId: op.jobId,
    deviceId,
    deviceSeq: i + 1,
    kind: 'transition',
    to: op.to,
    occurredAt: new Date().toISOString(),
    baseVersion: op.base,
    docState: 'AA==',
  }));
  if (mode === 'one at a time') {
    for (const body of ops) {
      const answer = await api.request<{ result?: { outcome: string }; error?: { code: string } }>('POST', `/api/jobs/${body.jobId}/ops`, body);
      if (answer.status === 200 && answer.body.result?.outcome === 'applied') applied++;
      else other.push(`${answer.status} ${answer.body.error?.code ?? ''}`);
    }
  } else {
    type Answer = { status?: number; notTried?: true; body?: { result?: { outcome: string }; error?: { code: string } } };
    const answer = await api.request<{ answers?: Answer[] }>('POST', '/api/ops', { ops });
    if (answer.status !== 200) other.push(`batch ${answer.status}`);
    for (const a of answer.body.answers ?? []) {
      if (a.status === 200 && a.body?.result?.outcome === 'applied') applied++;
      else other.push(a.notTried ? 'not tried' : `${a.status} ${a.body?.error?.code ?? ''}`);
    }
  }
  const ms = performance.now() - t0;
  const end = proxyCounters();
  return { ms, applied, other, bytes: end.bytes - start.bytes, turns: end.turns - start.turns };
}

/**
 * Issue 15's target: the 50 queued ops in one batch in ≤ 2 round trips (median elapsed ÷
 * RTT). Not met when a run left an op unapplied; undecided without runs.
 */
export function batchReplayTarget(batch: readonly Pick<Replay, 'ms' | 'applied'>[], ops: number): TargetLine {
  const rtts = batch.length ? round(spread(batch.map((r) => r.ms)).median / (2 * ONE_WAY_MS)) : NaN;
  const line = judge(`ops replay: ${ops} queued ops in one batch, elapsed ÷ RTT (median)`, '≤ 2 round trips', rtts, (v) => v <= 2);
  const short = batch.find((r) => r.applied < ops);
  return short ? { ...line, value: `${rtts}, only ${short.applied} of ${ops} applied`, met: false } : line;
}

/** 50 queued workflow ops, one at a time and in one batch, over the 50 ms link. */
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
    const results: Record<Mode, Replay[]> = { 'one at a time': [], 'one batch': [] };
    try {
      const prepared = await server.prepare(JOBS * runs * MODES.length);
      let slice = 0;
      for (let r = 0; r < runs; r++) {
        for (const mode of MODES) {
          // A fresh client per run (a fresh device id); the job reads before timing open the connection.
          const api = new ServerHttp(`http://127.0.0.1:${proxy.port}`, fetch);
          api.token = prepared.token;
          const jobIds = prepared.jobIds.slice(slice * JOBS, (slice + 1) * JOBS);
          slice++;
          const result = await replay(api, jobIds, mode, () => ({ bytes: proxy.counters.bytesUp + proxy.counters.bytesDown, turns: proxy.counters.turns }));
          ctx.log(
            `  ops replay ${mode}, run ${r + 1}: ${round(result.ms)} ms, ${result.applied} applied${result.other.length ? `, others: ${result.other.slice(0, 3).join(', ')}` : ''}`,
          );
          results[mode].push(result);
        }
      }
    } finally {
      await proxy.close();
      await server.stop();
    }
    const ops = JOBS * STEPS.length;
    for (const mode of MODES) {
      const list = results[mode];
      const ms = spread(list.map((r) => r.ms));
      rows.push({
        label: `Outpost, ${ops} ops, ${mode}`,
        server: 'outpost',
        figures: {
          runs: list.length,
          'time ms': showSpread(ms),
          'ms per op': round(ms.median / ops),
          'elapsed ÷ RTT': round(ms.median / (2 * ONE_WAY_MS)),
          'client turns': spread(list.map((r) => r.turns)).median,
          'RTT floor': mode === 'one at a time' ? ops : 1,
          applied: Math.min(...list.map((r) => r.applied)),
          'KB total': round(spread(list.map((r) => r.bytes)).median / 1024),
        },
      });
    }
    notes.push(
      `${JOBS} jobs × ${STEPS.length} transitions (Start travel, I'm here) queued on one device, through @outpost/client's ServerHttp with keep-alive (untimed job reads open the connection); ${runs} runs per mode, median (range).`,
      `One at a time: each POST /api/jobs/:id/ops awaited before the next (order per job and per device); the floor is one round trip (${2 * ONE_WAY_MS} ms) per op. One batch: POST /api/ops with all ${ops} ops, answered in one response — the outbox drain's way since issue 15; the floor is one round trip. "elapsed ÷ RTT" above the floor is server time.`,
    );
    const targets = [batchReplayTarget(results['one batch'], ops)];
    return { id: 'ops-replay', title: `Workflow ops after reconnect (${ops} queued, 50 ms one-way delay)`, rows, ratios: {}, targets, notes };
  },
};
