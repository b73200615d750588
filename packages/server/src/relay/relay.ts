/**
 * The relay of one server node: sockets come in through `Handshake`, jobs are loaded and
 * unloaded by `RoomRegistry`, and group commit is tied to durable acks (per update, in
 * `RelayConnection`) and to the bus (here). Other parts of the server read job docs through
 * the `JobDocs` port it implements.
 *
 * Relay after commit: a change reaches the other sockets on this node, its durable ack and
 * its publication to other nodes once its commit landed, so no device holds another's change
 * that no store has (JobRoom; docs/decisions.md, "Relay after commit").
 */
import * as Y from 'yjs';
import type { IncomingMessage } from 'node:http';
import type { WebSocket } from 'ws';
import type { BusEvent } from '../bus/bus';
import type { JobUpdate } from '../store/store';
import type { RelayContext } from './context';
import { ChannelHandshake } from './channel-handshake';
import { DeviceNotices, type DeviceNotice } from './device-notices';
import { Handshake } from './handshake';
import type { JobDocs, OpenJob } from './job-docs';
import type { JobRoom } from './job-room';
import { logFailure } from './log-failure';
import { RoomRegistry } from './room-registry';

/** The relay of one server node. */
export class Relay implements JobDocs {
  private readonly rooms: RoomRegistry;
  private readonly handshake: Handshake;
  /** Device channels (`/device`): many jobs over one socket. */
  readonly channels: ChannelHandshake;
  private readonly notices: DeviceNotices;

  constructor(private readonly ctx: RelayContext) {
    this.rooms = new RoomRegistry(ctx);
    this.handshake = new Handshake(ctx, this.rooms);
    this.channels = new ChannelHandshake(ctx, this.rooms, this.handshake);
    this.notices = new DeviceNotices(ctx.bus, ctx.nodeId);
    this.channels.onChannel = (channel, open) => this.notices.track(channel, open);
  }

  /** Pushes notices to the devices they concern, on every node. */
  notifyDevices(notices: readonly DeviceNotice[]): void {
    void this.notices.publish(notices).catch(logFailure('device notice publish'));
  }

  /** Open sockets (per-job sockets and device channels). */
  get connectionCount(): number {
    return this.handshake.count + this.channels.count;
  }

  /**
   * True while sockets are being let in, are in their first sync (first-syncs.ts), or jobs
   * load: work no commit waits for, which the log writer's in-turn wait must not hold up
   * (store/sqlite/in-turn-wait.ts; app.ts).
   */
  get admitting(): boolean {
    return this.handshake.admitting + this.channels.admitting + this.rooms.loading + (this.ctx.firstSyncs?.count ?? 0) > 0;
  }

  /** Jobs in memory: loaded, loading, or being unloaded (an unload ends once its compaction is stored). */
  get loadedCount(): number {
    return this.rooms.size;
  }

  /** Whether the job is in memory (or being loaded). */
  isLoaded(jobId: string): boolean {
    return this.rooms.isLoaded(jobId);
  }

  /** Loads a job (if needed) and holds it loaded until `release`; never a room already dropped. */
  acquire(jobId: string): Promise<JobRoom> {
    return this.rooms.acquire(jobId);
  }

  /** Drops one hold; an unheld job with no sockets unloads after the idle delay. */
  release(job: OpenJob): void {
    this.rooms.release(job);
  }

  /** Handles an upgraded socket for `/sync/:jobId`. */
  accept(ws: WebSocket, req: IncomingMessage, jobId: string): Promise<void> {
    return this.handshake.accept(ws, req, jobId);
  }

  /** Handles an upgraded socket for the device channel (`/device`). */
  acceptChannel(ws: WebSocket, req: IncomingMessage): Promise<void> {
    return this.channels.accept(ws, req);
  }

  /**
   * After a commit: count toward compaction and tell other nodes, one merged update per job.
   * A node alone tells nobody: the events reached only its own rooms, which ignore them, and
   * each kept its batch's updates (and the socket reads they are views of) alive to the end of
   * the turn, so a young collection in that turn copied and promoted them (at 6,000 keystrokes/s
   * 0.93 MB promoted per scavenge with them, 0.40 without; bench/HISTORY.md).
   */
  onCommitted(updates: readonly JobUpdate[]): void {
    const byJob = new Map<string, Uint8Array[]>();
    for (const u of updates) {
      const list = byJob.get(u.jobId);
      if (list) list.push(u.update);
      else byJob.set(u.jobId, [u.update]);
    }
    for (const [jobId, list] of byJob) {
      if (!this.ctx.alone) void this.ctx.bus.publish(committedUpdateEvent(jobId, this.ctx.nodeId, list)).catch(logFailure('publish'));
      this.rooms.countCommitted(jobId, list.length);
    }
  }

  /** A failed commit: each room whose changes it held drops itself (`RoomRegistry`); this reports it. */
  onCommitFailed(updates: readonly JobUpdate[], err?: unknown): void {
    console.error(`[outpost] commit of ${updates.length} update(s) failed; their jobs reload from storage`, err);
  }

  /** Graceful stop: waits for commits and acks, closes sockets (1001), unloads and compacts every job. */
  async close(): Promise<void> {
    this.handshake.stopAccepting();
    this.channels.stopAccepting();
    await this.ctx.committer.flush().catch(logFailure('final commit'));
    for (const room of this.rooms.loaded()) {
      await Promise.all([...room.members].map((m) => m.drained()));
      for (const m of [...room.members]) m.goAway();
    }
    this.handshake.closeAll();
    this.channels.closeAll();
    await this.notices.close().catch(logFailure('device notices unsubscribe'));
    await this.rooms.unloadAll();
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
