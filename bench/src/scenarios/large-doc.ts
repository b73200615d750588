/**
 * A 5 MB job document (issue 18.7): a job whose note holds 5 MB of text (a long inspection
 * log pasted in 64 KB pieces). Measured per server: cold open after a clean restart (time
 * to the content at the device), then a technician typing 50 keystrokes/s into it for 12 s
 * on a fixed schedule — ack latency from the planned send, and the longest event-loop stall
 * in the server meanwhile (Outpost compacts a job's log every 500 updates, which re-encodes
 * the whole doc). On another job of the same server, an offline batch: one update adding
 * 4,000 notes (a device's day of notes in one frame, ~440 KB), time to its ack and the
 * server's longest stall (Outpost judges every write of a frame before applying it).
 */
import * as Y from 'yjs';
import { SendSchedule } from '../harness/schedule';
import { ServerProcess, sampleWhile } from '../harness/server-process';
import { round, showSpread, sleep, spread, summarize, waitFor } from '../harness/stats';
import { sendPaced } from '../load/big-job';
import { EchoAck } from '../load/echo-ack';
import { BENCH_USER, captureUpdates, keystrokes, newFieldDevice } from '../load/field-work';
import { addNote, noteText } from '@outpost/shared';
import { openJob, settle, type Target } from '../load/targets';
import { SERVER_LABELS, type ServerKind } from '../servers/server';
import type { BenchContext, ResultRow, Scenario } from './scenario';

const CHUNK = 64 * 1024;
const TYPING_RATE = 50;
/** New notes in the offline batch's one update. */
const BATCH_NOTES = 4_000;

/** One update of `BATCH_NOTES` new notes on `jobId`: its size, the time to its ack and the server's longest stall meanwhile. */
async function offlineBatch(server: ServerProcess, target: Target, jobId: string): Promise<{ kb: number; ackMs: number; loopMaxMs: number }> {
  const device = newFieldDevice(jobId, 'batch');
  const link = openJob(target, jobId, device.doc);
  try {
    await settle(link, target.kind, 30_000);
    const [update] = captureUpdates(device.doc, () =>
      device.doc.transact(() => {
        for (let i = 0; i < BATCH_NOTES; i++) addNote(device.doc, { id: `batch-${i}`, author: BENCH_USER, createdAt: '2026-11-27T08:00:00.000Z', text: `note ${i}` });
      }),
    );
    const echo = target.kind === 'ywss' ? new EchoAck(link.session, device.doc.clientID) : null;
    let ackMs = 0;
    const sampled = await sampleWhile(server, async () => {
      const t0 = performance.now();
      await sendPaced(link, echo, device.doc.clientID, [update!]);
      ackMs = performance.now() - t0;
    });
    return { kb: update!.length / 1024, ackMs, loopMaxMs: sampled.loopMaxMs };
  } finally {
    await link.client.close();
  }
}

async function coldOpen(target: Target, jobId: string): Promise<number> {
  const doc = new Y.Doc();
  const t0 = performance.now();
  const link = openJob(target, jobId, doc, { acks: false });
  try {
    await link.client.waitSynced(link.session, 60_000);
    if (!(await waitFor(() => doc.getArray('notes').length > 0, 20_000, 1))) throw new Error(`${target.kind}: the large doc's content never arrived`);
    return performance.now() - t0;
  } finally {
    await link.client.close();
  }
}

async function measure(kind: ServerKind, megabytes: number, samples: number, typingMs: number): Promise<Record<string, number | string>> {
  let server = await ServerProcess.start(kind);
  const dataDir = server.dataDir;
  try {
    let target: Target = { kind, port: server.port, ...(await server.prepare(2)) };
    const jobId = target.jobIds[0]!;
    const device = newFieldDevice(jobId, 'alice');
    let link = openJob(target, jobId, device.doc);
    await settle(link, kind, 30_000);
    const text = noteText(device.doc, device.noteId)!;
    const chunk = 'Inspection log line: pressure nominal, valve 3 checked, seal replaced. '.repeat(CHUNK / 72).slice(0, CHUNK);
    const updates = captureUpdates(device.doc, () => {
      for (let i = 0; i < (megabytes * 2 ** 20) / CHUNK; i++) text.insert(text.length, chunk);
    });
    await sendPaced(link, kind === 'ywss' ? new EchoAck(link.session, device.doc.clientID) : null, device.doc.clientID, updates);
    await link.client.close();
    const docBytes = Y.encodeStateAsUpdate(device.doc).length;
    const opens: number[] = [];
    for (let i = 0; i < samples; i++) {
      await server.stop(true);
      server = await ServerProcess.start(kind, dataDir);
      target = { ...target, port: server.port };
      opens.push(await coldOpen(target, jobId));
    }
    // Typing into the large doc: the device reconnects holding all of it.
    link = openJob(target, jobId, device.doc);
    await settle(link, kind, 60_000);
    // The device has what it types: echoes are only read (EchoAck), not applied. Applying one
    // split the doc's 5 MB merged string in Yjs (~18 ms each on the generator's core, 28 Nov).
    link.session.applyRemote = false;
    const echo = kind === 'ywss' ? new EchoAck(link.session, device.doc.clientID) : null;
    const planned: number[] = [];
    const latencies: number[] = [];
    // How late the generator made its sends: a figure from a generator behind its plan says little of the server.
    const lags: number[] = [];
    link.session.onAck = (upTo, at) => {
      for (let n = upTo; n > 0 && planned[n] !== undefined; n--) {
        latencies.push(at - planned[n]!);
        delete planned[n];
      }
    };
    // Typed ahead, as in fan-out and ack latency: through Yjs, one keystroke into this doc
    // took ~18 ms of the generator's core (28 Nov), so at 50/s the generator, not the server,
    // set the latency (send lag p99 7.5 s beside memory's idle servers).
    const typed = keystrokes(device, Math.floor((TYPING_RATE * typingMs) / 1000));
    let next = 0;
    const sampled = await sampleWhile(server, async () => {
      const schedule = new SendSchedule(performance.now(), TYPING_RATE, typingMs);
      while (!schedule.done) {
        for (const [, t] of schedule.due(performance.now())) {
          lags.push(performance.now() - t);
          const key = typed[next++]!;
          planned[link.client.sendUpdate(link.session, key.update)] = t;
          echo?.sent(key.end);
        }
        if (schedule.done) break;
        const wait = schedule.nextAt() - performance.now();
        await (wait >= 1 ? sleep(wait) : new Promise((r) => setImmediate(r)));
      }
      await sleep(1000);
    });
    await link.client.close();
    const batch = await offlineBatch(server, target, target.jobIds[1]!);
    const s = summarize(latencies);
    return {
      'doc MB': round(docBytes / 2 ** 20),
      'cold open ms': showSpread(spread(opens)),
      'edit ack p50 ms': round(s.p50),
      'edit ack p99 ms': round(s.p99),
      'acked %': round((100 * latencies.length) / ((TYPING_RATE * typingMs) / 1000)),
      'gen send lag p99 ms': round(summarize(lags).p99),
      'server loop max ms': round(sampled.loopMaxMs),
      'peak RSS MB': round(sampled.peakRssMb),
      [`offline batch (${BATCH_NOTES} notes, one update) KB`]: round(batch.kb),
      'batch ack ms': round(batch.ackMs),
      'batch server loop max ms': round(batch.loopMaxMs),
    };
  } finally {
    await server.stop();
    server.removeData();
  }
}

/** A 5 MB job: cold open, typing latency, compaction stall. */
export const largeDoc: Scenario = {
  id: 'large-doc',
  title: 'Large document',
  async run(ctx: BenchContext) {
    const megabytes = ctx.quick ? 1 : 5;
    const samples = ctx.quick ? 1 : 3;
    const typingMs = ctx.quick ? 3000 : 12_000;
    const rows: ResultRow[] = [];
    for (const kind of ctx.servers) {
      ctx.log(`  large doc: ${kind} ${megabytes} MB`);
      rows.push({ label: `${SERVER_LABELS[kind]}, ${megabytes} MB`, server: kind, figures: await measure(kind, megabytes, samples, typingMs) });
    }
    return {
      id: 'large-doc',
      title: `Large document (${megabytes} MB job)`,
      rows,
      ratios: {},
      notes: [
        `The job's note holds ${megabytes} MB of text sent in ${CHUNK / 1024} KB updates. Cold open: a fresh server process after a clean stop, socket open until the content is at the device; ${samples} samples, median (range).`,
        `Then the device types ${TYPING_RATE} keystrokes/s into it for ${typingMs / 1000} s on a fixed schedule: ack latency from the planned send (Outpost durable ack, Hocuspocus SyncStatus, y-websocket-server echo); server loop max = the longest stall in the server while typing (Outpost compacts every 500 updates). The keystrokes are typed ahead and the device reads echoes without applying them (either, through Yjs on this doc, cost the generator ~18 ms); gen send lag = how late the generator made its sends.`,
        `Offline batch: on another job of the same server, a device sends one update adding ${BATCH_NOTES} notes (a day of notes made offline, sent as one frame): time from the send to its ack, and the server's longest stall meanwhile (Outpost judges every write of the frame before applying it; until 27 Nov that was quadratic in the frame's size: 0.56 s for this frame alone).`,
      ],
    };
  },
};
