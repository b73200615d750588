/**
 * Scenario 3, durable writes: writers on separate jobs each keep a window of updates in
 * flight and send the next as soon as one is acknowledged; we count acknowledged updates
 * per second and the send→ack latency of each. Outpost acks after the SQLite commit;
 * Hocuspocus acks after applying in memory; y-websocket-server has no ack, so its echo
 * stands in. Only Outpost's figure is a durable one — the table says so.
 *
 * Outpost runs at both durabilities (`full`: fsync per group commit, its default;
 * `process`: no fsync, survives the process dying, not the machine), on SQLite and on
 * Postgres (`synchronous_commit` on / off).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ServerProcess, sampleWhile } from '../harness/server-process';
import { round, sleep, summarize } from '../harness/stats';
import { EchoAck } from '../load/echo-ack';
import { keystroke, newFieldDevice } from '../load/field-work';
import { ACK_MEANING, openJob, settle, type Target } from '../load/targets';
import { writeOutpostConfig, type OutpostBenchConfig } from '../servers/outpost';
import { createBenchSchema } from '../servers/postgres-schema';
import { SERVER_LABELS, type ServerKind } from '../servers/server';
import type { BenchContext, ResultRow, Scenario } from './scenario';

const WINDOW = 8;

async function measure(kind: ServerKind, ctx: BenchContext, label = SERVER_LABELS[kind], outpost?: OutpostBenchConfig): Promise<ResultRow> {
  const writers = ctx.quick ? 10 : 40;
  const seconds = ctx.quick ? 2 : 4;
  const dataDir = mkdtempSync(join(tmpdir(), `outpost-bench-writes-${kind}-`));
  if (outpost) writeOutpostConfig(dataDir, outpost);
  const server = await ServerProcess.start(kind, dataDir);
  const sockets: { close(): Promise<void> }[] = [];
  try {
    const target: Target = { kind, port: server.port, ...(await server.prepare(writers)) };
    const links = target.jobIds.slice(0, writers).map((jobId, i) => {
      const device = newFieldDevice(jobId, `tech-${i}`);
      const link = openJob(target, jobId, device.doc);
      const echo = kind === 'ywss' ? new EchoAck(link.session, device.doc.clientID) : null;
      sockets.push(link.client);
      return { device, ...link, echo, sentAt: [] as number[] };
    });
    await Promise.all(links.map((l) => settle(l, kind, 15_000)));

    const latencies: number[] = [];
    let acked = 0;
    let stop = false;
    const sampled = await sampleWhile(server, async () => {
      const started = performance.now();
      await Promise.all(
        links.map(async (l) => {
          const sendOne = () => {
            const key = keystroke(l.device);
            const n = l.client.sendUpdate(l.session, key.update);
            l.echo?.sent(key.end);
            l.sentAt[n] = performance.now();
          };
          let seen = l.session.acked;
          l.session.onAck = (upTo, at) => {
            for (let n = seen + 1; n <= upTo; n++) {
              const t = l.sentAt[n];
              if (t !== undefined && !stop) {
                latencies.push(at - t);
                acked++;
              }
            }
            seen = upTo;
            while (!stop && l.session.contentSent - l.session.acked < WINDOW) sendOne();
          };
          for (let i = 0; i < WINDOW; i++) sendOne();
        }),
      );
      await sleep(seconds * 1000);
      stop = true;
      return (performance.now() - started) / 1000;
    });
    const s = summarize(latencies);
    return {
      label,
      server: kind,
      figures: {
        'acked updates/s': round(acked / sampled.result),
        'ack p50 ms': round(s.p50),
        'ack p99 ms': round(s.p99),
        'server CPU %': round(sampled.cpuPercent),
        'peak RSS MB': round(sampled.peakRssMb),
        'server loop delay p99 / max ms': `${round(sampled.loopP99Ms)} / ${round(sampled.loopMaxMs)}`,
        ack: outpost?.databaseUrl ? 'durable ack (committed to Postgres)' : ACK_MEANING[kind],
      },
    };
  } finally {
    await Promise.all(sockets.map((s) => s.close()));
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Outpost on Postgres in a schema of its own, dropped afterwards. */
async function measureOnPostgres(ctx: BenchContext, durability: 'full' | 'process'): Promise<ResultRow> {
  const label = `Outpost on Postgres, durability ${durability}`;
  const schema = await createBenchSchema().catch((e: unknown) => e as Error);
  if (schema instanceof Error) return { label, server: 'outpost', figures: { error: schema.message } };
  try {
    return await measure('outpost', ctx, label, { durability, databaseUrl: schema.url });
  } finally {
    await schema.drop();
  }
}

/** Durable writes: acknowledged updates per second and ack latency. */
export const durableWrites: Scenario = {
  id: 'durable-writes',
  title: 'Durable writes',
  async run(ctx) {
    const rows: ResultRow[] = [];
    for (const kind of ctx.servers) {
      if (kind !== 'outpost') {
        ctx.log(`  durable writes: ${kind}`);
        rows.push(await measure(kind, ctx));
        continue;
      }
      for (const durability of ['full', 'process'] as const) {
        ctx.log(`  durable writes: outpost, durability ${durability}`);
        rows.push(await measure(kind, ctx, `Outpost, durability ${durability}`, { durability }));
      }
      for (const durability of ['full', 'process'] as const) {
        ctx.log(`  durable writes: outpost on Postgres, durability ${durability}`);
        rows.push(await measureOnPostgres(ctx, durability));
      }
    }
    return {
      id: 'durable-writes',
      title: 'Durable writes',
      rows,
      ratios: {},
      notes: [
        `Writers on separate jobs, ${WINDOW} updates in flight each, one keystroke per update, closed loop.`,
        "Only Outpost acknowledges after the update is committed to storage; the peers' figures are for an in-memory apply (Hocuspocus) or a relay echo (y-websocket-server) and are not durable.",
        'Outpost durability full (the default): SQLite synchronous = FULL / Postgres synchronous_commit = on — an ack survives power loss and kernel crashes. Durability process: SQLite synchronous = NORMAL / Postgres synchronous_commit = off — an ack survives the server process dying, not the machine (docs/reliability.md).',
      ],
    };
  },
};
