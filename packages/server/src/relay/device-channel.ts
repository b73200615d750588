/**
 * One device channel: a socket carrying every job a device holds. Each job is a plain
 * room membership (`RelayConnection`) whose transport frames its sends with the job id,
 * so sync, awareness, durable acks and op results work exactly as on `/sync/:jobId`.
 * What differs is refusal: a job the user may not open, a bad frame for one job, one
 * job's rate — each ends that job's membership (`error` then `jobClosed`) and leaves the
 * others alone. The channel as a whole is refused only for what is the channel's: its
 * token, its own rate, an unreadable frame header or control message.
 */
import {
  CHANNEL_ADDRESS,
  closeReason,
  decodeOutpostMessage,
  encodeJobFrame,
  encodeMessage,
  ERROR_CODES,
  errorMessage,
  jobClosed,
  OutpostError,
  readJobFrame,
  type ErrorCode,
} from '@outpost/shared';
import * as syncProtocol from 'y-protocols/sync';
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { Principal } from '../auth/token';
import { RelayConnection } from './connection';
import type { RelayContext } from './context';
import type { JobRoom } from './job-room';
import type { MemberTransport } from './member-transport';
import { RateLimiter } from './rate-limiter';
import { checkRoomAccess, recheckIfChanged, type AccessChecked } from './room-access';
import type { RoomRegistry } from './room-registry';
import { syncMessage } from './room-member';
import { closeSocket } from './socket-refusal';
import { TickCork } from './tick-cork';

/** The `jobClosed` code answering a device's own unsubscribe (never a refusal's). */
const UNSUBSCRIBED = 1000;
/** Jobs one channel may hold at once; a subscription beyond it is refused for that job. */
export const MAX_JOBS_PER_CHANNEL = 2_000;
/** A channel carries many jobs: its own budget is this many times one socket's. */
const CHANNEL_RATE_FACTOR = 20;

/** A job of a subscribe frame, on its way in. */
interface Joining {
  jobId: string;
  job: ChannelJob;
  stateVector: Uint8Array;
}

/** One job on the channel, from subscribe to leave. */
interface ChannelJob {
  joined: boolean;
  /** The device's unacked changes carried in its subscribe (empty: none), until the join applies them. */
  carried: Uint8Array;
  /** Frames for the job that arrived while it was being joined, in order. */
  queued: Uint8Array[];
  room: JobRoom | null;
  member: RelayConnection | null;
}

/** A job of a subscribe frame that is in (authorized, loaded, a member), waiting for its answer. */
interface Entered extends Joining {
  member: RelayConnection;
}

/** The jobs of one device's socket. */
export class DeviceChannel {
  private readonly jobs = new Map<string, ChannelJob>();
  /** Jobs in and waiting for their answer, in the order they got in. */
  private entered: Entered[] = [];
  /** Set while an `answerEntered` is scheduled. */
  private answering = false;
  private readonly limiter: RateLimiter;
  private readonly cork: TickCork;
  /** Bytes queued for jobs still being joined, across the channel. */
  private queuedBytes = 0;
  /** Bytes of changes carried in subscribes whose jobs are still being joined, across the channel. */
  private carriedBytes = 0;
  private closed = false;

  constructor(
    private readonly ws: WebSocket,
    readonly principal: Principal,
    private readonly rooms: RoomRegistry,
    private readonly ctx: RelayContext,
    /** The protocol version the device declared (`?v=`): pushes it cannot read are not sent to it. */
    readonly protocolVersion: number,
    /** The socket under `ws` (`req.socket` of the upgrade): a tick's frames leave in one write. */
    socket: Pick<Socket, 'cork' | 'uncork'> | null = null,
  ) {
    this.cork = new TickCork(socket);
    const { messagesPerSecond, messageBurst } = ctx.limits;
    this.limiter = new RateLimiter(messagesPerSecond * CHANNEL_RATE_FACTOR, messageBurst * CHANNEL_RATE_FACTOR);
  }

  /** The user the channel belongs to. */
  get userId(): string {
    return this.principal.userId;
  }

  /** Job ids currently joined or being joined. */
  jobIds(): string[] {
    return [...this.jobs.keys()];
  }

  /** Handles one frame from the device. */
  receive(frame: Uint8Array): void {
    if (this.closed) return;
    if (!this.limiter.take()) return this.refuse('rate_limited', 'Too many messages on this channel; slow down.');
    let jobId: string;
    let message: Uint8Array;
    try {
      ({ jobId, message } = readJobFrame(frame));
    } catch {
      return this.refuse('bad_message', 'The frame does not start with a job id.');
    }
    if (jobId === CHANNEL_ADDRESS) {
      const max = this.ctx.limits.maxFrameBytes;
      if (message.byteLength > max) return this.refuse('too_large', `Channel messages are limited to ${max} bytes; this one has ${message.byteLength}.`);
      return this.control(message);
    }
    const job = this.jobs.get(jobId);
    if (!job) return this.refuseJob(jobId, null, 'bad_message', `Subscribe to job ${jobId} before sending to it.`);
    // Until joined, frames wait: they follow the job's carried changes and the answer to its step 1.
    if (job.joined && job.member) return job.member.receive(message);
    const { messageBurst, maxPendingBytes } = this.ctx.limits;
    if (job.queued.length >= messageBurst || this.queuedBytes + message.byteLength > maxPendingBytes) {
      return this.refuseJob(jobId, job, 'rate_limited', `At most ${maxPendingBytes} bytes may wait for jobs being opened.`);
    }
    job.queued.push(message);
    this.queuedBytes += message.byteLength;
  }

  /** Sends a channel-level message (a push) if the socket is open. */
  sendControl(message: Uint8Array): void {
    if (this.closed || this.ws.readyState !== this.ws.OPEN) return;
    this.sendFrame(encodeJobFrame(CHANNEL_ADDRESS, message));
  }

  /** Refuses the whole channel: error message on the channel address, then the code's close code. */
  refuse(code: ErrorCode, message: string = ERROR_CODES[code].message): void {
    if (this.closed) return;
    this.sendControl(encodeMessage(errorMessage, { code, message }));
    this.closed = true;
    const close = ERROR_CODES[code].close;
    if (close >= 4000) this.ctx.metrics.countRefusal(close);
    closeSocket(this.ws, close, closeReason(message));
    this.leaveAll();
  }

  /** The socket closed: every membership ends (owed acks are moot; the device resends). */
  leaveAll(): void {
    this.closed = true;
    for (const [jobId, job] of [...this.jobs]) this.leave(jobId, job);
  }

  private control(bytes: Uint8Array): void {
    let msg;
    try {
      msg = decodeOutpostMessage(bytes);
    } catch (err) {
      return this.refuse('bad_message', `The channel message could not be decoded: ${(err as Error).message}`);
    }
    if (msg.name === 'subscribe') {
      const { jobIds, stateVectors } = msg.value;
      if (stateVectors.length !== jobIds.length) return this.refuse('bad_message', 'subscribe: one state vector per job.');
      void this.joinAll(jobIds.flatMap((jobId, i) => this.subscribe(jobId, stateVectors[i]!, NO_CHANGES)));
      return;
    }
    if (msg.name === 'subscribeWithChanges') {
      const { jobIds, stateVectors, changes } = msg.value;
      if (stateVectors.length !== jobIds.length || changes.length !== jobIds.length) {
        return this.refuse('bad_message', 'subscribeWithChanges: one state vector and one change per job.');
      }
      void this.joinAll(jobIds.flatMap((jobId, i) => this.subscribe(jobId, stateVectors[i]!, changes[i]!)));
      return;
    }
    if (msg.name === 'unsubscribe') {
      for (const jobId of msg.value.jobIds) {
        const job = this.jobs.get(jobId);
        if (job) this.leave(jobId, job);
        // Every frame of that membership went out before this answer: a device that
        // subscribes again at once tells the old membership's acks from the new one's by it.
        this.sendControl(encodeMessage(jobClosed, { jobId, code: UNSUBSCRIBED, reason: 'unsubscribed' }));
      }
      return;
    }
    this.refuse('bad_message', `A device does not send ${msg.name} messages.`);
  }

  /**
   * Joins one job; a device that subscribes again to a job it holds starts that membership
   * afresh. `carried`: the device's unacked changes (empty: none), content message 1.
   */
  private subscribe(jobId: string, stateVector: Uint8Array, carried: Uint8Array): Joining[] {
    const held = this.jobs.get(jobId);
    if (held) this.leave(jobId, held);
    if (jobId === CHANNEL_ADDRESS) {
      this.refuse('bad_message', 'A job id cannot be empty.');
      return [];
    }
    const job: ChannelJob = { joined: false, carried: NO_CHANGES, queued: [], room: null, member: null };
    if (this.jobs.size >= MAX_JOBS_PER_CHANNEL) {
      this.refuseJob(jobId, null, 'rate_limited', `A channel holds at most ${MAX_JOBS_PER_CHANNEL} jobs.`);
      return [];
    }
    // Changes wait in memory until their job is joined: a channel's share is one frame's worth.
    const budget = this.ctx.limits.maxFrameBytes;
    if (this.carriedBytes + carried.byteLength > budget) {
      this.refuseJob(jobId, null, 'rate_limited', `At most ${budget} bytes of changes may wait for jobs being opened.`);
      return [];
    }
    job.carried = carried;
    this.carriedBytes += carried.byteLength;
    this.jobs.set(jobId, job);
    return [{ jobId, job, stateVector }];
  }

  /**
   * Joins the jobs of one subscribe frame: each is authorized and loaded on its own (at
   * once, none waiting for another) and answered once it is in (`answerEntered`, with
   * every other job that got in by then): a slow job (a cold load, a slow access check)
   * holds up no other.
   */
  private async joinAll(joining: Joining[]): Promise<void> {
    await Promise.all(
      joining.map(async (j) => {
        const member = await this.enter(j.jobId, j.job);
        if (!member) return;
        this.entered.push({ ...j, member });
        if (this.answering) return;
        this.answering = true;
        setImmediate(() => this.answerEntered());
      }),
    );
  }

  /**
   * Answers every job that is in, in two turns. First each job's step 1 is answered (the
   * server's step 2: what the device lacks; its state vector covers its own changes, so
   * the answer does not wait for them), and the answers leave in one write as the turn
   * ends (`TickCork`). Then, while they travel and the device applies them, the carried
   * changes are judged, applied and handed to storage in one commit (their durable acks go
   * out as it lands), and each job takes the frames the device sent meanwhile. The server's
   * own step 1 (is anything else missing?) follows last: nothing waits for it. (Answers
   * written in slices lost more than they overlapped: bench/README.md, many jobs.)
   */
  private answerEntered(): void {
    const entered = this.entered;
    this.entered = [];
    this.answering = false;
    const current = ({ jobId, job }: Joining) => this.jobs.get(jobId) === job && !this.closed;
    for (const j of entered) {
      if (!current(j)) continue;
      try {
        j.member.receive(syncMessage(syncProtocol.messageYjsSyncStep1, j.stateVector)); // the device's step 1
      } catch (err) {
        this.failed(j.jobId, j.job, err);
      }
    }
    setImmediate(() => this.applyCarried(entered.filter(current), current));
  }

  /** The second turn of `answerEntered`: carried changes, one commit, queued frames; then the server's step 1. */
  private applyCarried(entered: Entered[], current: (j: Joining) => boolean): void {
    let carriedAny = false;
    for (const j of entered) {
      if (!current(j)) continue;
      // Content message 1 (the device's step 2 in effect), acked after its commit.
      const carried = this.takeCarried(j.job);
      if (carried.byteLength === 0) continue;
      carriedAny = true;
      j.member.receive(syncMessage(syncProtocol.messageYjsSyncStep2, carried));
    }
    // A failed commit refuses its members (JobRoom); the greeting waits for it either way.
    const landed = carriedAny ? this.ctx.committer.flush().catch(() => undefined) : Promise.resolve();
    for (const j of entered) {
      if (!current(j)) continue;
      try {
        for (const frame of j.job.queued.splice(0)) {
          this.queuedBytes -= frame.byteLength;
          j.member.receive(frame);
        }
        j.job.joined = true;
      } catch (err) {
        this.failed(j.jobId, j.job, err);
      }
    }
    // The server's step 1 once the commit landed and its acks went out: built beside the
    // commit, it would hold up the log writer's thread (on one core) and so the acks.
    void landed.then(() =>
      setImmediate(() => {
        for (const j of entered) if (current(j) && j.job.member === j.member) j.member.greet();
      }),
    );
  }

  /** Sends one frame (those of one tick leave in one write, `TickCork`). */
  private sendFrame(frame: Uint8Array): void {
    this.cork.hold();
    this.ws.send(frame); // no write callback: see member-transport.ts
  }

  /** Authorizes and loads one job and makes it a member; null when it was refused or left meanwhile. */
  private async enter(jobId: string, job: ChannelJob): Promise<RelayConnection | null> {
    try {
      const room = await this.rooms.acquire(jobId);
      let checked: AccessChecked;
      try {
        checked = await checkRoomAccess(this.ctx, this.principal, room);
      } catch (err) {
        this.rooms.release(room);
        throw err;
      }
      if (this.jobs.get(jobId) !== job) {
        this.rooms.release(room);
        return null;
      }
      job.room = room;
      const member = new RelayConnection(this.transportFor(jobId, job), room, this.principal, true, this.ctx);
      if (!member.start(false)) throw new OutpostError('unavailable', 'The job was reloaded; subscribe again.');
      job.member = member;
      // Checked again once a member only if an access event came in between (room-access.ts).
      await recheckIfChanged(this.ctx, this.principal, room, checked).catch((err: unknown) => member.refuse(err instanceof OutpostError ? err.code : 'internal'));
      return this.jobs.get(jobId) === job ? member : null;
    } catch (err) {
      this.failed(jobId, job, err);
      return null;
    }
  }

  private failed(jobId: string, job: ChannelJob, err: unknown): void {
    const code: ErrorCode = err instanceof OutpostError ? err.code : 'internal';
    if (!(err instanceof OutpostError)) console.error(`[outpost] channel join of ${jobId} failed`, err);
    this.refuseJob(jobId, job, code, err instanceof Error ? err.message : ERROR_CODES[code].message);
  }

  /** The member's way out: frames carry the job id; a refusal ends only this job. */
  private transportFor(jobId: string, job: ChannelJob): MemberTransport {
    const ws = this.ws;
    return {
      get open() {
        return ws.readyState === ws.OPEN;
      },
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
      send: (message) => {
        if (this.jobs.get(jobId) !== job || this.closed) return;
        this.sendFrame(encodeJobFrame(jobId, message));
      },
      refuse: (code, message) => this.refuseJob(jobId, job, code, message),
      // Shutdown: the relay closes the socket itself (1001) once every job's acks went out.
      goAway: () => this.leave(jobId, job),
    };
  }

  /** Ends one job's membership with the error and its close code; the channel stays. */
  private refuseJob(jobId: string, job: ChannelJob | null, code: ErrorCode, message: string): void {
    if (job && this.jobs.get(jobId) !== job) return;
    if (job) this.leave(jobId, job);
    if (this.closed) return;
    const close = ERROR_CODES[code].close;
    if (close >= 4000) this.ctx.metrics.countRefusal(close);
    if (this.ws.readyState === this.ws.OPEN) this.sendFrame(encodeJobFrame(jobId, encodeMessage(errorMessage, { code, message })));
    this.sendControl(encodeMessage(jobClosed, { jobId, code: close, reason: closeReason(message) }));
  }

  /** The job's carried changes, no longer counted as waiting. */
  private takeCarried(job: ChannelJob): Uint8Array {
    const carried = job.carried;
    job.carried = NO_CHANGES;
    this.carriedBytes -= carried.byteLength;
    return carried;
  }

  private leave(jobId: string, job: ChannelJob): void {
    if (this.jobs.get(jobId) === job) this.jobs.delete(jobId);
    this.takeCarried(job);
    for (const frame of job.queued.splice(0)) this.queuedBytes -= frame.byteLength;
    const { room, member } = job;
    job.room = null;
    job.member = null;
    if (room) {
      if (member) room.leave(member);
      this.rooms.release(room);
    }
  }
}

/** A subscribe without changes for a job. */
const NO_CHANGES = new Uint8Array(0);
