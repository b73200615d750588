/**
 * Fixed-rate ack latency (issue 18.3): writers on separate jobs send keystrokes on an
 * open-loop schedule at 5,000, 10,000 and 20,000 updates/s in total, and each update's ack
 * latency runs from its planned send time. A closed loop with hundreds in flight measures
 * its own queue; a fixed rate shows what one update waits at that load. Outpost rows per
 * durability (SQLite FULL, process-only, Postgres); the peers' acks are in memory (see the
 * ack column). Variants and rates are interleaved per run.
 */
import { collectGeneratorHeap } from '../harness/generator-flags';
import { SendSchedule } from '../harness/schedule';
import { alone, sampleWhile, type ServerProcess } from '../harness/server-process';
import { watchSteal } from '../harness/steal';
import { interleaved, round, showSpread, sleep, spread, summarize, waitFor } from '../harness/stats';
import { EchoAck } from '../load/echo-ack';
import { newFieldDevice, type FieldDevice } from '../load/field-work';
import { TypeAhead } from '../load/type-ahead';
import { openJob, settle, type JobLink, type Target } from '../load/targets';
import { durabilityVariants, startVariant, type Variant } from '../load/variants';
import { lineChart } from '../report/svg';
import { judge, type BenchContext, type ResultRow, type Scenario } from './scenario';

/** Runs at the rates the target is not judged at. */
const SIDE_RUNS = 3;

interface Writer extends JobLink {
  device: FieldDevice;
  echo: EchoAck | null;
  planned: number[];
}

interface Rig {
  variant: Variant;
  server: ServerProcess;
  writers: Writer[];
  keys: TypeAhead<Writer>;
  sample: <T>(work: () => Promise<T>) => ReturnType<typeof sampleWhile<T>>;
  cleanup(): Promise<void>;
}

interface Run {
  p50: number;
  p99: number;
  ackedPercent: number;
  cpu: number;
  /** The server core's time the hypervisor gave away during the window, %; null where unknown. */
  steal: number | null;
}

async function openRig(variant: Variant, writers: number): Promise<Rig> {
  const { server, cleanup } = await startVariant(variant);
  const target: Target = { kind: variant.kind, port: server.port, ...(await server.prepare(writers)) };
  const links = target.jobIds.map((jobId, i) => {
    const device = newFieldDevice(jobId, `tech-${i}`);
    const link = openJob(target, jobId, device.doc);
    return { ...link, device, echo: variant.kind === 'ywss' ? new EchoAck(link.session, device.doc.clientID) : null, planned: [] as number[] };
  });
  await Promise.all(links.map((l) => settle(l, variant.kind, 30_000)));
  return {
    variant,
    server,
    writers: links,
    keys: new TypeAhead(links),
    sample: (work) => sampleWhile(server, work),
    async cleanup() {
      await Promise.all(links.map((l) => l.client.close()));
      await cleanup();
    },
  };
}

/**
 * Sends at `rate` for `ms` round-robin over the writers (keystrokes typed ahead by the
 * caller); returns ack latencies of the recorded sends. A lead-in (`sampled` false) reads
 * nothing from the server: its figures are dropped, and each reading is a round trip.
 */
async function measure(rig: Rig, rate: number, ms: number, drainMs: number, sampled = true): Promise<Run> {
  const latencies: number[] = [];
  let recorded = 0;
  for (const w of rig.writers) {
    w.planned = [];
    let seen = w.session.acked;
    w.session.onAck = (upTo, at) => {
      for (let n = seen + 1; n <= upTo; n++) {
        const t = w.planned[n];
        if (t !== undefined) latencies.push(at - t);
      }
      seen = Math.max(seen, upTo);
    };
  }
  const send = async () => {
    const schedule = new SendSchedule(performance.now(), rate, ms);
    while (!schedule.done && performance.now() < schedule.startMs + ms + 1000) {
      for (const [, planned] of schedule.due(performance.now())) {
        const { typist: w, key } = rig.keys.take();
        const n = w.client.sendUpdate(w.session, key.update);
        w.echo?.sent(key.end);
        w.planned[n] = planned;
        recorded++;
      }
      if (schedule.done) break;
      const wait = schedule.nextAt() - performance.now();
      await (wait >= 1 ? sleep(wait) : new Promise((r) => setImmediate(r)));
    }
    // Up to drainMs for acks in flight: less once every recorded send is acked.
    await waitFor(() => latencies.length >= recorded, drainMs);
  };
  let cpu = NaN;
  const stolen = watchSteal();
  if (sampled) cpu = (await rig.sample(send)).cpuPercent;
  else await send();
  for (const w of rig.writers) w.session.onAck = undefined;
  const s = summarize(latencies);
  const planned = Math.floor((rate * ms) / 1000);
  return { p50: s.p50, p99: s.p99, ackedPercent: (100 * Math.min(recorded, latencies.length)) / planned, cpu, steal: stolen() };
}

/** Ack latency at fixed offered rates, per durability variant. */
export const ackLatency: Scenario = {
  id: 'ack-latency',
  title: 'Ack latency at a fixed rate',
  async run(ctx: BenchContext) {
    const rates = ctx.quick ? [500, 2000] : [5000, 10_000, 20_000];
    const [writers, ms, warmMs, leadInMs, drainMs] = ctx.quick ? [10, 700, 200, 100, 300] : [40, 1000, 200, 150, 300];
    // The target is judged at the middle rate (10,000/s); until 28 Nov the other two had as many runs.
    const judged = rates[Math.floor(rates.length / 2)]!;
    const sideRuns = Math.min(ctx.runs, SIDE_RUNS);
    const notes: string[] = [];
    const variants = await durabilityVariants(ctx.servers, notes);
    const rigs: Rig[] = [];
    const runs = new Map<string, Run[]>();
    try {
      for (const v of variants) rigs.push(await openRig(v, writers));
      for (let r = 0; r < ctx.runs; r++) {
        // The judged rate gets every run; the rates either side of it (the curve) fewer.
        for (const rate of rates.filter((x) => x === judged || r < sideRuns)) {
          for (const rig of interleaved(rigs, r)) {
            // A lead-in at the same rate, not recorded, before every measurement: the server
            // sat idle (paused) while the others were measured, and the figure is the steady
            // state at this rate, not its wake-up (a longer one on the first run warms the JIT).
            const run = await alone(
              rigs.map((x) => x.server),
              rig.server,
              async () => {
                collectGeneratorHeap();
                // Both measurements' keystrokes typed ahead at once (as the fan-out rig does):
                // typing the second's between them idled the server after its lead-in.
                const lead = r === 0 ? warmMs : leadInMs;
                rig.keys.prepare(Math.ceil((rate * (lead + ms)) / 1000));
                await measure(rig, rate, lead, 0, false);
                return measure(rig, rate, ms, drainMs);
              },
            );
            ctx.log(
              `  ack latency: ${rig.variant.id} @ ${rate}/s → p50 ${round(run.p50)} p99 ${round(run.p99)} ms, acked ${round(run.ackedPercent)} %, steal ${run.steal ?? '?'} %`,
            );
            const key = `${rig.variant.id}@${rate}`;
            runs.set(key, [...(runs.get(key) ?? []), run]);
          }
        }
      }
    } finally {
      for (const rig of rigs) await rig.cleanup();
    }
    const rows: ResultRow[] = variants.flatMap((v) =>
      rates.map((rate) => {
        const rs = runs.get(`${v.id}@${rate}`) ?? [];
        return {
          label: `${v.label} @ ${rate}/s`,
          server: v.kind,
          figures: {
            'offered updates/s': rate,
            'ack p50 ms': showSpread(spread(rs.map((x) => x.p50))),
            'ack p99 ms': showSpread(spread(rs.map((x) => x.p99))),
            'acked %': round(spread(rs.map((x) => x.ackedPercent)).median),
            'server CPU %': round(spread(rs.map((x) => x.cpu)).median),
            'p99 ms (steal %) per window': rs.map((x) => `${round(x.p99)} (${x.steal ?? '?'})`).join(' / '),
            ack: v.ack,
          },
        };
      }),
    );
    const p99 = (id: string, rate: number) => spread((runs.get(`${id}@${rate}`) ?? []).map((x) => x.p99)).median;
    return {
      id: 'ack-latency',
      title: 'Ack latency at a fixed rate (open loop)',
      rows,
      ratios: {},
      targets: ['outpost-full', 'outpost-process', 'outpost-pg']
        .filter((id) => variants.some((v) => v.id === id))
        .map((id) => judge(`ack latency: ${variants.find((v) => v.id === id)!.label}, p99 at ${judged}/s`, '≤ 10 ms', p99(id, judged), (x) => x <= 10)),
      charts: [
        {
          file: 'ack-latency.svg',
          title: 'Ack latency against offered rate',
          svg: lineChart({
            title: 'Ack p99 (solid) and p50 (dashed) against offered rate',
            xLabel: 'offered updates/s',
            yLabel: 'ack latency from planned send, ms (log)',
            logY: true,
            series: variants.flatMap((v) => [
              { name: `${v.label} p99`, group: v.id, points: rates.map((r) => [r, p99(v.id, r)] as [number, number]) },
              {
                name: `${v.label} p50`,
                group: v.id,
                dashed: true,
                points: rates.map((r) => [r, spread((runs.get(`${v.id}@${r}`) ?? []).map((x) => x.p50)).median] as [number, number]),
              },
            ]),
          }),
        },
      ],
      notes: [
        `${writers} writers on separate jobs; the offered rate is spread round-robin over them and sent on a fixed schedule; ${ms / 1000} s measured per rate after a lead-in at the same rate (${warmMs / 1000} s on the first run, ${leadInMs / 1000} s on later ones: each server sat idle while the others were measured); ${ctx.runs} runs at ${judged}/s (where the target is judged) and ${sideRuns} at the other rates, variants interleaved per run, median (range). The servers not being measured are paused (SIGSTOP): they share the server core, and their timers would otherwise run inside another's measurement.`,
        'Latency runs from the planned send time to the acknowledgement covering the update. acked % below 99 means the server (or the generator) did not keep up at that rate.',
        "p99 ms (steal %) per window: each measured window's p99 in run order, beside the share of the server core's time the hypervisor gave to other machines during it (/proc/stat): on a shared virtual machine a window's p99 can be the machine's, not the server's.",
        'Only the Outpost rows acknowledge stored updates; Hocuspocus acknowledges the in-memory apply (its store is debounced) and y-websocket-server has no ack (its echo stands in).',
        ...notes,
      ],
    };
  },
};
