import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addNote, jobRoots, nextTransitions, noteText, readJob, readServerState, setChecklistDone, type JobStatus, type Role } from '@outpost/shared';
import { divergence, missingNotes, opLogProblems, type LoggedOp, type SubmittedOp } from './support/checks';
import { owed, startDevice, until, type Device } from './support/devices';
import { runFaultSchedule, type FaultSchedule } from './support/fault-schedule';
import { DEMO, JOBS } from './support/outpost';
import { scaled, withSeed, type Prng } from './support/seed';
import { ServerProcess } from './support/server-process';
import { RelayClient } from '../../test-support/relay-client';
import { tokenFor } from './support/tokens';

const ACTIVE_MS = scaled(20_000, 540_000);
const KILLS = scaled(3, 25);
const secret = 'chaos-secret';

/**
 * Five devices, their people and the jobs each works on. Devices hold their jobs on one
 * device channel (the engine's default); the tablets use a socket per job (`/sync/:jobId`,
 * as against an older server), so both transports meet on the same jobs.
 */
const CAST: { device: string; user: 'alice' | 'bob' | 'dana'; role: Role; jobs: string[]; perJobSockets?: boolean }[] = [
  { device: 'alice-phone', user: 'alice', role: 'technician', jobs: [JOBS.aliceOnly, JOBS.shared] },
  { device: 'alice-tablet', user: 'alice', role: 'technician', jobs: [JOBS.aliceOnly, JOBS.shared], perJobSockets: true },
  { device: 'bob-phone', user: 'bob', role: 'technician', jobs: [JOBS.bobOnly, JOBS.shared] },
  { device: 'bob-tablet', user: 'bob', role: 'technician', jobs: [JOBS.bobOnly, JOBS.shared], perJobSockets: true },
  { device: 'dana-laptop', user: 'dana', role: 'dispatcher', jobs: [JOBS.aliceOnly, JOBS.bobOnly, JOBS.shared] },
];
const ALL_JOBS = [JOBS.aliceOnly, JOBS.bobOnly, JOBS.shared];

interface Actor {
  device: Device;
  /** The signed-in user: the author of what the device writes (the relay checks it). */
  user: string;
  role: Role;
  docs: Map<string, Y.Doc>;
  /** Notes typed, in order, with the job they are in. */
  notes: { id: string; jobId: string }[];
  /** How many of `notes` the device has reported durable (pending count 0 after them). */
  ackedUpTo: number;
  /** Per job: this device's own Yjs clock when it last reported everything durable. */
  ackedClock: Map<string, { client: number; clock: number }>;
  ops: SubmittedOp[];
  /** Photos taken: sha256 → job and bytes. */
  photos: Map<string, { jobId: string; bytes: Uint8Array }>;
  edits: number;
}

let server: ServerProcess | undefined;
let dataDir = '';
const cleanups: (() => Promise<void>)[] = [];
/** Stops the devices and the server of the run. */
async function tidy(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
  await server?.stop();
  server = undefined;
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = '';
}
afterAll(tidy);

/**
 * The device says everything so far is durable: remember how far its own writes go. Only
 * its own client id counts: what it holds of others may be theirs to make durable, not its own.
 */
function markDurable(actor: Actor): void {
  actor.ackedUpTo = actor.notes.length;
  for (const [jobId, doc] of actor.docs) actor.ackedClock.set(jobId, { client: doc.clientID, clock: Y.getState(doc.store, doc.clientID) });
}

async function act(actor: Actor, rng: Prng): Promise<void> {
  const jobId = rng.pick([...actor.docs.keys()]);
  const doc = actor.docs.get(jobId)!;
  const roll = rng.next();
  const now = new Date().toISOString();
  if (roll < 0.55) {
    const id = `${actor.device.name}-${actor.notes.length}`;
    addNote(doc, { id, author: actor.user, createdAt: now, text: `note ${actor.notes.length}` });
    actor.notes.push({ id, jobId });
  } else if (roll < 0.7) {
    const items = readJob(doc).checklist;
    if (items.length > 0) setChecklistDone(doc, rng.pick(items).id, rng.chance(0.7), actor.user, now);
  } else if (roll < 0.73) {
    const bytes = Uint8Array.from(rng.bytes(rng.int(16, 4096)));
    const photo = await actor.device.engine.blobs.putPhoto(jobId, bytes, { kind: 'other', mime: 'image/jpeg' });
    actor.photos.set(photo.id, { jobId, bytes });
  } else if (roll < 0.85) {
    const mine = actor.notes.filter((n) => n.jobId === jobId);
    const text = mine.length > 0 ? noteText(doc, rng.pick(mine).id) : undefined;
    text?.insert(rng.int(0, text.length), rng.pick(['!', ' ok', ' checked', '?']));
  } else {
    const status = (readServerState(doc)?.status ?? 'scheduled') as JobStatus;
    const moves = nextTransitions(status, actor.role);
    if (moves.length === 0) return;
    const item = await actor.device.engine.submitOp(jobId, { kind: 'transition', to: rng.pick(moves).to });
    actor.ops.push({ opId: item.opId, jobId, deviceId: item.op.deviceId, deviceSeq: item.op.deviceSeq });
  }
  actor.edits++;
}

/** Kills the server, keeps every device away while it is down and restarted, checks acked notes. */
async function killAndCheck(srv: ServerProcess, actors: Actor[], schedules: FaultSchedule[]): Promise<{ lost: string[]; checked: number; clocks: number }> {
  for (const s of schedules) s.held = true;
  await srv.kill();
  // Whatever a device reported durable before the kill must be on disk now.
  const acked = actors.flatMap((a) => a.notes.slice(0, a.ackedUpTo));
  const ackedClock = new Map(actors.map((a) => [a, new Map(a.ackedClock)]));
  for (const a of actors) a.device.proxy.partition();
  await srv.restart();
  const lost: string[] = [];
  let clocks = 0;
  for (const jobId of ALL_JOBS) {
    const observer = await RelayClient.connect({ baseUrl: srv.url, jobId, token: tokenFor('valid', DEMO.dana, secret), acks: false });
    await observer.whenSynced;
    lost.push(
      ...missingNotes(
        acked.filter((n) => n.jobId === jobId).map((n) => n.id),
        observer.doc,
      ),
    );
    // Every write (ticks and text edits too), not just notes: the server's clock for each
    // device must have reached what that device was told is durable.
    for (const a of actors) {
      const mark = ackedClock.get(a)?.get(jobId);
      if (mark && mark.clock > 0) clocks++;
      if (mark && Y.getState(observer.doc.store, mark.client) < mark.clock)
        lost.push(`${a.device.name} in ${jobId}: writes up to clock ${mark.clock} acked, server has ${Y.getState(observer.doc.store, mark.client)}`);
    }
    await observer.close();
  }
  for (const a of actors) a.device.proxy.clearFaults();
  for (const s of schedules) s.held = false;
  return { lost, checked: acked.length, clocks };
}

describe('chaos: faulty wires, SIGKILLed server, five devices', () => {
  it(`loses nothing and applies every op once through ${KILLS} server kills`, { timeout: ACTIVE_MS + 240_000 }, async () => {
    await withSeed('chaos', async (rng) => {
      dataDir = mkdtempSync(join(tmpdir(), 'outpost-chaos-'));
      const srv = await ServerProcess.start({ dataDir, secret });
      server = srv;
      const run = Math.random().toString(36).slice(2, 8);
      const actors: Actor[] = [];
      for (const c of CAST) {
        const device = await startDevice(`${c.device}-${run}`, srv.port, { user: c.user, rng: rng.fork(), deviceChannel: !c.perJobSockets });
        cleanups.push(async () => {
          await device.engine.destroy();
          await device.proxy.close();
        });
        const docs = new Map<string, Y.Doc>();
        for (const jobId of c.jobs) docs.set(jobId, (await device.engine.openJob(jobId)).doc);
        const actor: Actor = { device, user: c.user, role: c.role, docs, notes: [], ackedUpTo: 0, ackedClock: new Map(), ops: [], photos: new Map(), edits: 0 };
        // Pending 0 = the device says everything so far is durable (recorded synchronously on write).
        device.engine.status.subscribe((s) => {
          if (s.pending === 0) markDurable(actor);
        });
        actors.push(actor);
      }
      const schedules = actors.map((a) => runFaultSchedule(a.device.proxy, rng.fork()));

      const deadline = Date.now() + ACTIVE_MS;
      let active = true;
      const working = actors.map(async (a) => {
        const arng = rng.fork();
        while (active) {
          if (a.device.engine.status.get().pending === 0) markDurable(a);
          await act(a, arng);
          await new Promise((r) => setTimeout(r, arng.int(20, 200)));
        }
      });
      const lost: string[] = [];
      let checked = 0;
      let clocks = 0;
      for (let k = 0; k < KILLS; k++) {
        await new Promise((r) => setTimeout(r, Math.max(0, (deadline - Date.now()) / (KILLS - k)) * rng.next()));
        const after = await killAndCheck(srv, actors, schedules);
        lost.push(...after.lost);
        checked += after.checked;
        clocks += after.clocks;
      }
      await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())));
      active = false;
      await Promise.all(working);
      await Promise.all(schedules.map((s) => s.stop()));
      expect(lost, 'durably acked notes missing after a kill').toEqual([]);
      expect(checked, 'no device ever reported its work durable before a kill').toBeGreaterThan(0);

      // Calm wire: everything drains, every doc converges with the server's.
      for (const a of actors) a.device.engine.syncNow();
      await until(
        'every device has uploaded everything',
        async () => {
          // Every op was made from the device's own view of its job: one that meets a job gone
          // elsewhere comes back a conflict, so a refusal for good is a defect, said at once
          // (retrying it could never succeed). Flagged transient failures are retried now.
          const refused = actors.flatMap((a) =>
            a.device.engine.outbox
              .list()
              .errors.filter((e) => e.error?.kind !== 'transient')
              .map((e) => `${a.device.name} ${e.jobId} ${e.op.kind} ${e.op.to ?? ''}: ${e.error?.code} ${e.error?.message}`),
          );
          if (refused.length > 0) throw new Error(`ops refused for good: ${refused.join('; ')}`);
          for (const a of actors) for (const e of a.device.engine.outbox.list().errors) await a.device.engine.outbox.retry(e.opId);
          return actors.every((a) => {
            const o = owed(a.device);
            return o.pending === 0 && o.queued === 0 && o.errors === 0 && o.blobs === 0;
          });
        },
        90_000,
        250,
      ).catch((err: Error) => {
        // Say what is still owed, and by whom, so a failure can be read without a replay.
        const left = actors.map((a) => ({
          device: a.device.name,
          ...owed(a.device),
          status: a.device.engine.status.get().label,
          changes: a.device.engine.changes.get().pending.map((c) => `${c.jobId} ${c.kind}`),
          connected: a.device.engine.status.get().connected,
          queuedOps: a.device.engine.outbox.list().queued.map((i) => ({ job: i.jobId, kind: i.op.kind, to: i.op.to, seq: i.op.deviceSeq, attempts: i.attempts, error: i.error })),
          conflicts: a.device.engine.outbox.list().conflicts.map((i) => `${i.jobId} ${i.op.kind} ${i.op.to ?? ''} ${i.conflict?.code}`),
        }));
        throw new Error(`${err.message}: ${JSON.stringify(left)}`);
      });

      const token = tokenFor('valid', DEMO.dana, secret);
      for (const jobId of ALL_JOBS) {
        const observer = await RelayClient.connect({ baseUrl: srv.url, jobId, token, acks: false });
        await observer.whenSynced;
        const holders = actors.filter((a) => a.docs.has(jobId)).map((a) => ({ name: a.device.name, doc: a.docs.get(jobId)! }));
        // Writers named in a failure's report: a client id no device holds is a server's own (its job-state mirror).
        const writers = new Map(holders.map((h) => [h.doc.clientID, h.name]));
        const check = () => divergence([{ name: 'server', doc: observer.doc }, ...holders], writers);
        await until(`job ${jobId} converged`, () => check().length === 0, 20_000).catch(() => undefined);
        expect(check(), jobId).toEqual([]);
        const typed = actors.flatMap((a) => a.notes.filter((n) => n.jobId === jobId).map((n) => n.id));
        expect(missingNotes(typed, observer.doc), jobId).toEqual([]);
        const photoIds = new Set(
          jobRoots(observer.doc)
            .photos.toArray()
            .map((m) => m.get('id')),
        );
        const taken = actors.flatMap((a) => [...a.photos].filter(([, p]) => p.jobId === jobId).map(([sha]) => sha));
        expect(
          taken.filter((sha) => !photoIds.has(sha)),
          `${jobId}: photos missing from the doc`,
        ).toEqual([]);
        await observer.close();
      }
      const logs: LoggedOp[] = [];
      for (const jobId of ALL_JOBS) {
        const res = await fetch(`${srv.url}/api/jobs/${jobId}/ops`, { headers: { authorization: `Bearer ${token}` } });
        logs.push(...((await res.json()) as { ops: LoggedOp[] }).ops);
      }
      for (const a of actors) {
        for (const [sha, { bytes }] of a.photos) {
          const res = await fetch(`${srv.url}/api/blobs/${sha}`, { headers: { authorization: `Bearer ${token}` } });
          expect(res.status, `photo ${sha} from ${a.device.name}`).toBe(200);
          expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
        }
      }
      const submitted = actors.flatMap((a) => a.ops);
      expect(opLogProblems(logs, submitted)).toEqual([]);

      const edits = actors.reduce((n, a) => n + a.edits, 0);
      const stats = actors.map((a) => a.device.proxy.stats);
      const sum = (k: keyof (typeof stats)[number]) => stats.reduce((n, s) => n + s[k], 0);
      console.info(
        `[chaos] ${edits} edits (${actors.reduce((n, a) => n + a.notes.length, 0)} notes, ${actors.reduce((n, a) => n + a.photos.size, 0)} photos), ${submitted.length} ops, ${srv.kills} SIGKILLs survived (${checked} acked notes and ${clocks} device write clocks checked after them); ` +
          `wire: ${sum('cuts')} cuts (${sum('midFrameCuts')} mid-frame), ${sum('stalls')} stalls, ${sum('partitions')} partitions, ${sum('refused')} refused connects`,
      );
    });
  });
});
