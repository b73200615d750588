/**
 * One job member speaking the y-websocket protocol: a `/sync/:jobId` socket, or one job on
 * a device channel (the `MemberTransport` says which). Validates and applies
 * client messages, counts content messages for durable acks, and refuses bad input by
 * sending the shared `error` message then closing with the matching close code.
 */
import {
  classifyUpdate,
  decodeJobUpdate,
  durableAck,
  encodeMessage,
  ERROR_CODES,
  jobChanged,
  opResult,
  OutpostError,
  Y_MESSAGE,
  type ErrorCode,
  type OpResultMessage,
  type ServerState,
} from '@outpost/shared';
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Principal } from '../auth/token';
import { stampAwareness } from './awareness-stamp';
import type { RelayContext } from './context';
import { DurableAcks } from './durable-acks';
import type { JobRoom } from './job-room';
import { awarenessMessage, syncMessage, type RoomMember } from './room-member';
import type { MemberTransport } from './member-transport';
import { RateLimiter } from './rate-limiter';
import { appliesFully, bringsNothing } from './update-gaps';

/** Outgoing bytes a socket may have unsent before it is dropped. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;

/** Commits a step 1's answer waits for at most while the job keeps changing (see `answerStep1`). */
const UNCOMMITTED_WAITS = 3;
/** Refusals that may only mean the room lacks another node's committed writes (other people's entries among them). */
const CATCH_UP_FIRST: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['server_owned', 'unresolved_update', 'office_field', 'wrong_author', 'not_author', 'bad_field']);

/** A socket on a job, once authenticated and authorized. */
export class RelayConnection implements RoomMember {
  readonly awarenessIds = new Set<number>();
  /** Presence ids this socket brought into the room (never seen there before), for the cap. */
  private readonly introduced = new Set<number>();
  /** Content messages (sync step 2 and update) received, counted from 1. */
  private contentCount = 0;
  private readonly acks: DurableAcks;
  private closed = false;
  /** Frames received while the room catches up from storage, handled in order after it. */
  private held: Uint8Array[] | null = null;
  /** Whether this socket already made the room catch up from storage. */
  private caughtUp = false;
  private readonly limiter: RateLimiter;

  constructor(
    private readonly transport: MemberTransport,
    private readonly room: JobRoom,
    readonly principal: Principal,
    private readonly wantsAcks: boolean,
    private readonly ctx: RelayContext,
  ) {
    this.limiter = new RateLimiter(ctx.limits.messagesPerSecond, ctx.limits.messageBurst);
    this.acks = new DurableAcks({
      acked: (upTo, receivedAt) => {
        const now = performance.now();
        for (const at of receivedAt) this.ctx.metrics.observeAckLatency((now - at) / 1000);
        if (this.wantsAcks) this.send(encodeMessage(durableAck, { upTo }));
      },
      failed: () => this.refuse('unavailable', 'Your changes could not be stored; reconnect to resend them.'),
    });
  }

  get userId(): string {
    return this.principal.userId;
  }

  /**
   * Joins the room and (unless `greet` is false: the caller greets later, see `greet`)
   * greets the client. False when the room was dropped meanwhile.
   */
  start(greet = true): boolean {
    if (!this.room.join(this)) return false;
    if (greet) this.greet();
    return true;
  }

  /** The server's sync step 1 (the room's state vector now), then current presence. */
  greet(): void {
    this.send(syncMessage(syncProtocol.messageYjsSyncStep1, this.room.stateVector()));
    const present = [...this.room.awareness.getStates().keys()];
    if (present.length > 0) this.send(awarenessMessage(this.room.awareness, present));
  }

  /** Handles one client frame. */
  receive(frame: Uint8Array): void {
    if (this.closed) return;
    if (frame.byteLength > this.ctx.limits.maxFrameBytes) {
      return this.refuse('too_large', `Frames are limited to ${this.ctx.limits.maxFrameBytes} bytes; this one has ${frame.byteLength}.`);
    }
    if (!this.limiter.take()) return this.refuse('rate_limited');
    if (this.held) {
      if (this.held.length >= this.ctx.limits.messageBurst) return this.refuse('rate_limited');
      this.held.push(frame);
      return;
    }
    this.process(frame);
  }

  private process(frame: Uint8Array): void {
    try {
      this.dispatch(decoding.createDecoder(frame));
    } catch (err) {
      if (err instanceof OutpostError) return this.refuse(err.code, err.message);
      this.refuse('bad_message', `The message could not be decoded: ${(err as Error).message}`);
    }
  }

  private dispatch(d: decoding.Decoder): void {
    const type = decoding.readVarUint(d);
    if (type === Y_MESSAGE.sync) return this.receiveSync(d);
    if (type === Y_MESSAGE.awareness) {
      // Another person's presence is not yours to change; your own stale socket's is (reconnects).
      const mayWrite = (id: number) => ![...this.room.members].some((m) => m.userId !== this.userId && m.awarenessIds.has(id));
      const presence = decoding.readVarUint8Array(d);
      // Every presence is relayed to every socket on the job: a large one costs each of them.
      const cap = this.ctx.limits.maxPresenceBytes;
      if (presence.length > cap) throw new OutpostError('too_large', `A presence message is limited to ${cap} bytes; this one has ${presence.length}.`);
      const { update, clients } = stampAwareness(presence, this.principal, mayWrite);
      this.checkPresenceCap(clients);
      if (clients.length > 0) awarenessProtocol.applyAwarenessUpdate(this.room.awareness, update, this);
      return;
    }
    if (type === Y_MESSAGE.queryAwareness) {
      this.send(awarenessMessage(this.room.awareness, [...this.room.awareness.getStates().keys()]));
      return;
    }
    if (type === Y_MESSAGE.auth) return; // the token is checked at connect; y-websocket's auth message carries nothing for us
    throw new OutpostError('bad_message', `Unknown message type ${type}.`);
  }

  /**
   * Refuses (before applying anything) a frame that would take this socket past its cap of
   * new presence ids: one device has one id per job, and made-up ids would be relayed to
   * everyone on the job. Ids the room already knows (echoes, a reconnect taking over its
   * own stale id) are not introductions.
   */
  private checkPresenceCap(clients: readonly number[]): void {
    const known = this.room.awareness.meta;
    const fresh = clients.filter((id) => !known.has(id) && !this.introduced.has(id));
    const cap = this.ctx.limits.maxPresencesPerSocket;
    if (this.introduced.size + new Set(fresh).size > cap) {
      throw new OutpostError('rate_limited', `A connection may introduce at most ${cap} presence client ids.`);
    }
    for (const id of fresh) this.introduced.add(id);
  }

  private receiveSync(d: decoding.Decoder): void {
    const syncType = decoding.readVarUint(d);
    if (syncType === syncProtocol.messageYjsSyncStep1) {
      const theirs = decoding.readVarUint8Array(d);
      // Judged now, where a bad frame is refused (`process`), even when the answer waits.
      Y.decodeStateVector(theirs);
      return this.answerStep1(theirs, UNCOMMITTED_WAITS);
    }
    if (syncType !== syncProtocol.messageYjsSyncStep2 && syncType !== syncProtocol.messageYjsUpdate) {
      throw new OutpostError('bad_message', `Unknown sync message type ${syncType}.`);
    }
    const update = decoding.readVarUint8Array(d);
    const receivedAt = performance.now();
    const n = ++this.contentCount;
    this.ctx.metrics.updatesReceived++;
    this.applyContent(update, n, receivedAt);
  }

  /**
   * Answers the device's sync step 1 with what it lacks. While the job holds changes whose
   * commit has not landed, the answer waits for it (up to `waits` commits, so a job written
   * without pause still gets an answer): a device must not hold another person's change that
   * no store has (it would send it back after a crash, refused as its own; JobRoom).
   */
  private answerStep1(theirs: Uint8Array, waits: number): void {
    if (waits > 0 && this.room.hasUncommitted) {
      this.room.committed().then(
        () => {
          if (this.closed) return;
          try {
            this.answerStep1(theirs, waits - 1);
          } catch (err) {
            this.refuse('bad_message', `The sync step 1 could not be answered: ${(err as Error).message}`);
          }
        },
        () => undefined, // a failed commit refuses every member of the room
      );
      return;
    }
    // Parts of a resting job after a crash go as updates first; the last is the step 2.
    const parts = this.room.missingFor(theirs);
    parts.forEach((part, i) => this.send(syncMessage(i === parts.length - 1 ? syncProtocol.messageYjsSyncStep2 : syncProtocol.messageYjsUpdate, part)));
    this.ctx.firstSyncs?.ended(this); // its first sync is over
  }

  /**
   * Validates and applies content message n, and acks it once the commit of that very
   * update landed; may first catch the room up from storage (once).
   */
  private applyContent(update: Uint8Array, n: number, receivedAt: number): void {
    // An empty update (no items, no deletions: a device with nothing new answering the
    // server's step 1) changes nothing: acked without building a resting job's doc.
    if (update.length === 2 && update[0] === 0 && update[1] === 0) return this.acks.owe(n, receivedAt, this.room.committed());
    // Decoded once for both checks (Yjs decodes again as it applies).
    const decoded = decodeJobUpdate(update);
    const doc = this.room.doc;
    // Nothing new (a step 2 repeating what the server has): acked like an empty one.
    if (bringsNothing(decoded, doc)) return this.acks.owe(n, receivedAt, this.room.committed());
    const verdict = classifyUpdate(decoded, doc, this.principal);
    if (!verdict.ok) {
      if (CATCH_UP_FIRST.has(verdict.code) && !this.caughtUp) return void this.catchUpThenApply(update, n, receivedAt);
      return this.refuse(verdict.code, verdict.detail);
    }
    // Structs after a gap in their client's clock would wait in memory, never stored: acking them would lie.
    if (!appliesFully(decoded, doc)) {
      if (!this.caughtUp) return void this.catchUpThenApply(update, n, receivedAt);
      return this.refuse('unresolved_update', 'The update skips changes from its own client that the server has not seen.');
    }
    let committed: Promise<void>;
    try {
      committed = this.room.apply(update, this);
    } catch (err) {
      if (err instanceof OutpostError) return this.refuse(err.code, err.message);
      return this.refuse('bad_message', `The update could not be applied: ${(err as Error).message}`);
    }
    this.acks.owe(n, receivedAt, committed);
  }

  /**
   * A device that moved from another node may carry that node's committed writes (its
   * job-state mirror included) that this room has not received over the bus yet. Before
   * refusing such an update, the room loads what storage has and the update is judged
   * again. Later frames wait meanwhile, so messages still apply and ack in order. Once per
   * socket: everything a device carries from elsewhere comes in its first sync step 2, and
   * a device really writing the server map cannot make the node reload the job again and again.
   */
  private async catchUpThenApply(update: Uint8Array, n: number, receivedAt: number): Promise<void> {
    this.caughtUp = true;
    this.held = [];
    try {
      await this.room.catchUp();
    } catch {
      return this.refuse('unavailable', 'The server could not read the job; reconnect to resend your changes.');
    }
    if (this.closed) return;
    // Judged again against the caught-up room: items it now holds (older mirror values
    // among them, already deleted) count as no write of this device's (classifyUpdate).
    this.applyContent(update, n, receivedAt);
    const held = this.held;
    this.held = null;
    for (const frame of held) if (!this.closed) this.process(frame);
  }

  /** Resolves once every ack owed so far was sent (or failed). */
  drained(): Promise<void> {
    return this.acks.drained();
  }

  send(message: Uint8Array): void {
    if (this.closed || !this.transport.open) return;
    // A socket that stopped reading would buffer every change of the job in memory.
    if (this.transport.bufferedAmount > MAX_BUFFERED_BYTES) return this.refuse('unavailable', 'The connection is not keeping up; reconnect.');
    this.transport.send(message);
  }

  jobChanged(state: ServerState): void {
    if (this.wantsAcks) this.send(encodeMessage(jobChanged, { jobId: this.room.jobId, status: state.status, version: state.version, assignees: state.assignees }));
  }

  opResult(result: OpResultMessage): void {
    if (this.wantsAcks) this.send(encodeMessage(opResult, result));
  }

  /** Sends the error message (to Outpost clients) and closes with the code's close code. */
  refuse(code: ErrorCode, message: string = ERROR_CODES[code].message): void {
    if (this.closed) return;
    this.closed = true;
    this.transport.refuse(code, message);
  }

  /** Closes without an error (server shutdown). */
  goAway(): void {
    if (this.closed) return;
    this.closed = true;
    this.transport.goAway();
  }
}
