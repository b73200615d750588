/**
 * The relay: accepts `/sync/:jobId` websockets, keeps loaded jobs (`JobRoom`) and unloads
 * idle ones (compacting their log), and ties group commit to durable acks and the bus.
 *
 * Relay before commit, ack after: a change reaches the other sockets on this node at
 * once; its durable ack and its publication to other nodes wait for the commit. The one
 * exception is the server's own job-state mirror, relayed only once committed (JobRoom).
 */
import { ERROR_CODES, OutpostError, closeReason, encodeMessage, errorMessage, type ErrorCode } from '@outpost/shared';
import * as Y from 'yjs';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import { verifyToken, type Principal } from '../auth/token';
import type { BusEvent } from '../bus/bus';
import type { JobUpdate } from '../store/store';
import type { RelayContext } from './context';
import { RelayConnection } from './connection';
import { JobRoom } from './job-room';

/** The relay of one server node. */
export class Relay {
  private readonly rooms = new Map<string, Promise<JobRoom>>();
  /** The room each entry of `rooms` resolved to. */
  private readonly loaded = new Map<string, JobRoom>();
  private readonly unloading = new Map<string, Promise<void>>();
  private readonly sockets = new Set<WebSocket>();
  private closing = false;

  /** Loaded rooms, for the hibernation sweep. */
  private readonly live = new Set<JobRoom>();
  private readonly sweep: NodeJS.Timeout;

  constructor(private readonly ctx: RelayContext) {
    const idleMs = ctx.limits.hibernateAfterMs;
    this.sweep = setInterval(() => {
      const now = performance.now();
      for (const room of this.live) room.hibernateIfIdle(idleMs, now);
    }, Math.max(50, idleMs / 4));
    this.sweep.unref();
  }

  /** Open sockets. */
  get connectionCount(): number {
    return this.sockets.size;
  }

  /** Loaded jobs. */
  get loadedCount(): number {
    return this.rooms.size;
  }

  /** Whether the job is in memory (or being loaded). */
  isLoaded(jobId: string): boolean {
    return this.rooms.has(jobId);
  }

  /** Loads a job (if needed) and holds it loaded until `release`; never a room already dropped. */
  async acquire(jobId: string): Promise<JobRoom> {
    for (;;) {
      await this.unloading.get(jobId);
      let loading = this.rooms.get(jobId);
      if (!loading) {
        loading = JobRoom.load(jobId, this.ctx);
        this.rooms.set(jobId, loading);
        loading.then(
          (room) => {
            this.loaded.set(jobId, room);
            room.onBroken = (broken) => this.drop(broken);
          },
          () => this.rooms.delete(jobId),
        );
      }
      const room = await loading;
      // Dropped while this caller waited (a failed commit): load the job again from storage.
      if (room.disposed) continue;
      this.live.add(room);
      room.holds++;
      if (room.unloadTimer) clearTimeout(room.unloadTimer);
      room.unloadTimer = null;
      return room;
    }
  }

  /**
   * A room whose commit failed holds changes storage lacks: it is dropped at once (the next
   * caller loads the job from storage) and its sockets are refused, so their devices resend
   * whatever was not acked.
   */
  private drop(room: JobRoom): void {
    if (this.loaded.get(room.jobId) === room) {
      this.rooms.delete(room.jobId);
      this.loaded.delete(room.jobId);
    }
    this.live.delete(room);
    for (const m of [...room.members]) m.refuse('unavailable', 'The server could not store changes; reconnect to resend them.');
    void room.dispose();
  }

  /** Drops one hold; an unheld job with no sockets unloads after the idle delay. */
  release(room: JobRoom): void {
    room.holds--;
    if (room.holds > 0 || this.closing) return;
    room.unloadTimer = setTimeout(() => void this.unload(room), this.ctx.limits.idleUnloadMs);
  }

  private async unload(room: JobRoom, compact = true): Promise<void> {
    if (room.holds > 0 || this.rooms.get(room.jobId) === undefined) return;
    this.rooms.delete(room.jobId);
    this.loaded.delete(room.jobId);
    this.live.delete(room);
    const done = (async () => {
      await this.ctx.committer.barrier().catch(() => undefined);
      if (compact && room.updatesSinceCompaction > 0) await this.compact(room);
      await room.dispose();
    })();
    this.unloading.set(room.jobId, done);
    await done;
    this.unloading.delete(room.jobId);
  }

  /** Handles an upgraded socket for `/sync/:jobId`. */
  async accept(ws: WebSocket, req: IncomingMessage, jobId: string): Promise<void> {
    if (this.closing) {
      ws.close(ERROR_CODES.unavailable.close, closeReason('The server is shutting down; try again.'));
      return;
    }
    this.sockets.add(ws);
    const queued: Uint8Array[] = [];
    let connection: RelayConnection | null = null;
    let ready = false;
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer) => {
      if (ready && connection) return connection.receive(data);
      queued.push(data);
      // A client may not pile up frames while it is being let in.
      if (queued.length > this.ctx.limits.messageBurst) ws.close(ERROR_CODES.rate_limited.close, 'rate limited');
    });
    ws.on('error', () => ws.terminate());
    const url = new URL(req.url ?? '/', 'http://relay');
    const wantsAcks = url.searchParams.get('acks') === '1';
    let room: JobRoom | null = null;
    let expiry: NodeJS.Timeout | undefined;
    ws.on('close', () => {
      clearTimeout(expiry);
      this.sockets.delete(ws);
      if (connection && room) {
        room.leave(connection);
        this.release(room);
      }
    });
    try {
      const principal = await verifyToken(url.searchParams.get('token'), this.ctx.secret);
      await this.authorize(principal, jobId);
      room = await this.acquire(jobId);
      if (ws.readyState !== ws.OPEN) return this.release(room);
      // Dropped between its load and here (a failed commit): the device comes back for a fresh copy.
      if (room.disposed) {
        this.release(room);
        throw new OutpostError('unavailable', 'The job was reloaded; reconnect.');
      }
      const open = (connection = new RelayConnection(ws, room, principal, wantsAcks, this.ctx));
      if (principal.expiresAt !== undefined) {
        // setTimeout holds at most ~24.8 days; tokens live hours.
        const ms = Math.min(Math.max(0, principal.expiresAt - Date.now()), 2 ** 31 - 1);
        expiry = setTimeout(() => open.refuse('token_expired'), ms);
      }
      connection.start();
      // Checked again once the socket is a member: an unassignment committed after the first
      // check is now either visible here or delivered to the member as a revoke event.
      await this.authorize(principal, jobId).catch((err: unknown) => {
        open.refuse(err instanceof OutpostError ? err.code : 'internal');
      });
      ready = true;
      for (const frame of queued.splice(0)) open.receive(frame);
    } catch (err) {
      const code: ErrorCode = err instanceof OutpostError ? err.code : 'internal';
      if (!(err instanceof OutpostError)) console.error('[outpost] relay connect failed', err);
      const message = err instanceof Error ? err.message : ERROR_CODES[code].message;
      if (wantsAcks && ws.readyState === ws.OPEN) ws.send(encodeMessage(errorMessage, { code, message }));
      if (ERROR_CODES[code].close >= 4000) this.ctx.metrics.countRefusal(ERROR_CODES[code].close);
      ws.close(ERROR_CODES[code].close, closeReason(message));
    }
  }

  private async authorize(principal: Principal, jobId: string): Promise<void> {
    const job = await this.ctx.store.getJob(jobId);
    if (!job) throw new OutpostError('not_found', `No job ${jobId}.`);
    if (principal.role === 'technician' && !job.assignees.includes(principal.userId)) {
      throw new OutpostError('not_assigned', `Job ${jobId} is not assigned to you.`);
    }
  }

  /** After a commit: count toward compaction and tell other nodes, one merged update per job. */
  onCommitted(updates: readonly JobUpdate[]): void {
    const byJob = new Map<string, Uint8Array[]>();
    for (const u of updates) {
      const list = byJob.get(u.jobId);
      if (list) list.push(u.update);
      else byJob.set(u.jobId, [u.update]);
    }
    for (const [jobId, list] of byJob) {
      void this.ctx.bus.publish(committedUpdateEvent(jobId, this.ctx.nodeId, list)).catch(logFailure('publish'));
      void this.rooms.get(jobId)?.then((room) => this.countTowardCompaction(room, list.length));
    }
  }

  /** A failed commit: each room whose changes it held drops itself (`drop`); this only reports it. */
  onCommitFailed(updates: readonly JobUpdate[], err?: unknown): void {
    console.error(`[outpost] commit of ${updates.length} update(s) failed; their jobs reload from storage`, err);
  }

  private countTowardCompaction(room: JobRoom, n: number): void {
    room.updatesSinceCompaction += n;
    if (room.updatesSinceCompaction < this.ctx.limits.compactAfterUpdates) return;
    room.updatesSinceCompaction = 0;
    void this.compact(room);
  }

  /**
   * Folds the job's stored log into a snapshot. The loaded doc holds everything stored for
   * the job (changes reach storage only through it), so its own encoding is the snapshot:
   * merged runs of items, no merge of the log. It may also hold changes still waiting for
   * their commit; storing them early is harmless (a Yjs update applies once).
   */
  private async compact(room: JobRoom): Promise<void> {
    // A disposed doc encodes as empty: storing that would drop the job's history.
    if (room.disposed) return;
    return this.ctx.store.compactJobDoc(room.jobId, room.docState()).catch(logFailure('compact'));
  }

  /** Graceful stop: waits for commits and acks, closes sockets (1001), unloads and compacts every job. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.sweep);
    await this.ctx.committer.flush().catch(() => undefined);
    const rooms = await Promise.all([...this.rooms.values()].map((p) => p.catch(() => null)));
    for (const room of rooms) {
      if (!room) continue;
      await Promise.all([...room.members].map((m) => (m as RelayConnection).drained()));
      for (const m of [...room.members]) (m as RelayConnection).goAway();
    }
    for (const ws of this.sockets) ws.close(1001, 'server shutting down');
    for (const room of rooms) {
      if (!room) continue;
      room.holds = 0;
      await this.unload(room);
    }
    await Promise.all(this.unloading.values());
  }
}

/**
 * The bus event for a job's updates in one commit. Their merge is made only when read: on
 * a single node every listener is this node's own room, which skips its own updates
 * without reading them, and merging a job's keystrokes on every commit was a measurable
 * share of the relay's CPU under fan-out.
 */
export function committedUpdateEvent(jobId: string, node: string, updates: readonly Uint8Array[]): BusEvent {
  let merged: Uint8Array | null = updates.length === 1 ? updates[0]! : null;
  return {
    kind: 'update',
    jobId,
    node,
    get update(): Uint8Array {
      merged ??= Y.mergeUpdates(updates as Uint8Array[]);
      return merged;
    },
  };
}

function logFailure(what: string): (err: unknown) => void {
  return (err) => console.error(`[outpost] ${what} failed`, err);
}
