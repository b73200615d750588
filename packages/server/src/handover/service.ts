/**
 * Parked handovers (docs/decisions.md, "Nothing stranded"): a technician taken off a job
 * hands the work they made on it while assigned to the server; it waits, parked, until a
 * dispatcher merges it into the job doc or discards it.
 *
 * Accepted from a technician who is not assigned now and was taken off the job within
 * HANDOVER_WINDOW_MS; judged by the relay's update classification; idempotent by the
 * device's handover id. Merging applies the update to the live doc like a device's
 * write (relayed, stored, published to other nodes) and answers once it is committed.
 */
import { HANDOVER_WINDOW_MS, OutpostError, type Handover, type HandoverRequest } from '@outpost/shared';
import * as Y from 'yjs';
import type { Principal } from '../auth/token';
import type { GroupCommitter } from '../relay/group-commit';
import { handoverNotices } from '../relay/office-notices';
import type { Relay } from '../relay/relay';
import type { HandoverRecord, RemovalRecord, Directory, HandoverStore } from '../store/store';
import { judgeHandover } from './validate';

/** Origin of merged handovers in the job doc: a device's write, relayed and stored. */
export const HANDOVER_ORIGIN = Symbol('handover');

/** What the handover service needs. */
export interface HandoverDeps {
  store: HandoverStore & Directory;
  relay: Relay;
  committer: GroupCommitter;
  now?: () => Date;
}

/** The answer to a technician's handover. */
export interface HandoverAnswer {
  /** Null when the server already had everything the update carries. */
  handover: Handover | null;
  duplicate: boolean;
  created: boolean;
}

/** Accepts, lists, merges and discards handovers. */
export class HandoverService {
  constructor(private readonly deps: HandoverDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** A technician hands over unsent work on a job they were taken off. */
  async accept(jobId: string, body: HandoverRequest, user: Principal): Promise<HandoverAnswer> {
    const { store, relay } = this.deps;
    if (user.role !== 'technician') throw new OutpostError('forbidden', "A dispatcher's edits sync directly; handovers are for technicians taken off a job.");
    const job = await store.getJob(jobId);
    if (!job) throw new OutpostError('not_found', `No job ${jobId}.`);
    const known = await store.getHandover(body.handoverId);
    if (known) {
      if (known.jobId !== jobId || known.technician !== user.userId) throw new OutpostError('conflict', 'This handover id was already used for other work.');
      return { handover: await this.view(known), duplicate: true, created: false };
    }
    if (job.assignees.includes(user.userId)) throw new OutpostError('conflict', 'You are assigned to this job: your changes sync directly.', { assigned: true });
    const removal = await this.removalWithinWindow(jobId, user.userId);
    const update = decodeBase64(body.update);
    const room = await relay.acquire(jobId);
    let effect;
    try {
      effect = judgeHandover(update, room.doc, user.userId);
    } finally {
      relay.release(room);
    }
    if (!effect.changes) return { handover: null, duplicate: false, created: false };
    const record: HandoverRecord = {
      id: body.handoverId,
      jobId,
      technician: user.userId,
      deviceId: body.deviceId,
      update,
      summary: effect.summary,
      blobs: effect.blobs,
      removedBy: removal.removedBy,
      removedAt: removal.removedAt,
      createdAt: this.now().toISOString(),
      state: 'parked',
      decidedBy: null,
      decidedAt: null,
    };
    const stored = await store.putHandover(record);
    // The board lists parked work as it arrives (a push, not a poll).
    if (stored.created) relay.notifyDevices(handoverNotices(stored.handover));
    return { handover: await this.view(stored.handover), duplicate: !stored.created, created: stored.created };
  }

  /** The removal that lets `userId` hand work over, or the refusal. */
  private async removalWithinWindow(jobId: string, userId: string): Promise<RemovalRecord> {
    const removal = await this.deps.store.lastRemoval(jobId, userId);
    if (!removal) throw new OutpostError('not_assigned', `Job ${jobId} was never assigned to you.`);
    if (this.now().getTime() - Date.parse(removal.removedAt) > HANDOVER_WINDOW_MS) {
      throw new OutpostError('handover_expired', undefined, { removedAt: removal.removedAt });
    }
    return removal;
  }

  /** A job's handovers: every one for a dispatcher, their own for a technician (with their removal). */
  async forJob(jobId: string, user: Principal): Promise<{ handovers: Handover[]; removal: Handover['removal'] }> {
    const { store } = this.deps;
    const job = await store.getJob(jobId);
    if (!job) throw new OutpostError('not_found', `No job ${jobId}.`);
    const mine = user.role === 'technician';
    const records = await store.listHandovers(mine ? { jobId, technician: user.userId } : { jobId });
    const removal = mine && !job.assignees.includes(user.userId) ? await store.lastRemoval(jobId, user.userId) : null;
    return { handovers: await Promise.all(records.map((r) => this.view(r))), removal: removal ? await this.removalView(removal.removedBy, removal.removedAt) : null };
  }

  /** Every parked handover (the dispatcher's board). */
  async parked(user: Principal): Promise<Handover[]> {
    requireDispatcher(user);
    return Promise.all((await this.deps.store.listHandovers({ state: 'parked' })).map((r) => this.view(r)));
  }

  /** Applies a parked handover to the job doc; answers once it is stored. */
  async merge(id: string, user: Principal): Promise<Handover> {
    requireDispatcher(user);
    const { store, relay, committer } = this.deps;
    const record = await this.find(id);
    if (record.state === 'discarded') throw new OutpostError('conflict', 'This handover was discarded.', { handover: await this.view(record) });
    if (record.state === 'parked') {
      const room = await relay.acquire(record.jobId);
      try {
        // Judged again: the job may have moved on since the handover was parked.
        judgeHandover(record.update, room.doc, record.technician);
        room.doc.transact(() => Y.applyUpdate(room.doc, record.update, HANDOVER_ORIGIN), HANDOVER_ORIGIN);
        await committer.barrier();
      } finally {
        relay.release(room);
      }
    }
    const decided = (await store.decideHandover(id, 'merged', user.userId, this.now().toISOString())) ?? record;
    if (record.state === 'parked') relay.notifyDevices(handoverNotices(decided));
    return this.view(decided);
  }

  /** Drops a parked handover; the job doc is not touched. */
  async discard(id: string, user: Principal): Promise<Handover> {
    requireDispatcher(user);
    const record = await this.find(id);
    const decided = (await this.deps.store.decideHandover(id, 'discarded', user.userId, this.now().toISOString())) ?? record;
    if (decided.state === 'merged') throw new OutpostError('conflict', 'This handover was already merged into the job.', { handover: await this.view(decided) });
    if (record.state === 'parked') this.deps.relay.notifyDevices(handoverNotices(decided));
    return this.view(decided);
  }

  private async find(id: string): Promise<HandoverRecord> {
    const record = await this.deps.store.getHandover(id);
    if (!record) throw new OutpostError('not_found', `No handover ${id}.`);
    return record;
  }

  private async person(id: string): Promise<{ id: string; name: string }> {
    return { id, name: (await this.deps.store.getUser(id))?.name ?? id };
  }

  private async removalView(by: string, at: string): Promise<Handover['removal']> {
    return { by: await this.person(by), at };
  }

  private async view(r: HandoverRecord): Promise<Handover> {
    return {
      id: r.id,
      jobId: r.jobId,
      technician: await this.person(r.technician),
      deviceId: r.deviceId,
      createdAt: r.createdAt,
      removal: r.removedBy && r.removedAt ? await this.removalView(r.removedBy, r.removedAt) : null,
      summary: r.summary,
      blobs: r.blobs,
      state: r.state,
      decidedBy: r.decidedBy ? await this.person(r.decidedBy) : null,
      decidedAt: r.decidedAt,
    };
  }
}

function requireDispatcher(user: Principal): void {
  if (user.role !== 'dispatcher') throw new OutpostError('forbidden', 'Only a dispatcher can review handed-over work.');
}

function decodeBase64(text: string): Uint8Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length === 0 || bytes.toString('base64').replace(/=+$/, '') !== text.replace(/=+$/, '')) {
    throw new OutpostError('validation_failed', 'update: not base64 of a Yjs update.');
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
