/**
 * One job's connection to the relay: Outpost's own small provider on y-protocols.
 *
 * Why not y-websocket's WebsocketProvider: the server counts every content message
 * (sync step 2 and update) per socket and acks by that count, so the client must know
 * exactly which message carried which local update. WebsocketProvider sends step 2 from
 * inside its handlers and broadcasts every update itself; counting around it would mean
 * patching its internals. Here every send goes through `sendContent`, which numbers it.
 *
 * Local updates are held back until this socket has sent its sync step 2: that step 2 is
 * encoded against the server's state vector and carries them all (and never depends on
 * something the server lacks). On the device channel the job's unacked changes may ride
 * in its subscribe instead (`unackedChanges`); they then count as that step 2.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import { closeAction, DEVICE_CLOSE_CODES, isOutpostMessageType, readOutpostMessage, Y_MESSAGE, type DecodedMessage } from '@outpost/shared';
import { backoffDelay, RECONNECT_BACKOFF, type BackoffPolicy } from './backoff';
import { socketLinks, type JobLink, type JobLinks, type WebSocketLike } from './job-link';

export type { WebSocketLike };

/** What the connection tells its owner. */
export interface ConnectionEvents {
  /** Sync step 2 went out as content message `n` on socket `socket`: it covers every local update so far. */
  step2Sent(socket: number, n: number): void;
  /** The server made messages 1..upTo of socket `socket` durable. */
  durableAck(socket: number, upTo: number): void;
  /** The socket opened; the doc is about to sync. */
  opened(socket: number): void;
  /** The server's state was merged (its sync step 2 arrived). */
  synced(socket: number): void;
  /** The socket closed. `code` is the close code. */
  closed(socket: number, code: number, reason: string): void;
  /** Any other Outpost message (op results, job changes, errors). */
  message(msg: DecodedMessage): void;
}

/** Options of a job connection: `links` (e.g. the device channel), or a socket per job from `relayUrl` and `WebSocket`. */
export interface JobConnectionOptions {
  links?: JobLinks;
  relayUrl?: (jobId: string) => string | null;
  WebSocket?: WebSocketLike;
  jobId: string;
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  events: ConnectionEvents;
  backoff?: BackoffPolicy;
  /** Give up on a socket whose content goes unacked this long (default ACK_TIMEOUT_MS). */
  ackTimeoutMs?: number;
  /**
   * The device's changes not yet durably acked, as one Yjs update (null: none, or too many
   * to carry). Sent in the job's opening frame where the link can, so a reconnect's changes
   * are acked one round trip after the socket opens.
   */
  unackedChanges?: () => Uint8Array | null;
}

/** How long a content message may go without a durable ack before the socket is replaced. */
export const ACK_TIMEOUT_MS = 15_000;

/** A self-reconnecting relay connection for one job doc. */
export class JobConnection {
  /** Increments per socket; acks and message numbers are per socket. */
  socketId = 0;
  /** True when the socket is open. */
  open = false;
  /** True once the server's state was merged on the current socket. */
  synced = false;
  /**
   * Set after a refusal (4401, 4403, …; see `closeAction`): no more reconnects until
   * `lift()`. `error` is the code of the server's `error` message before the close.
   */
  refused: { code: number; reason: string; error: string | null } | null = null;

  private link: JobLink | null = null;
  private readonly links: JobLinks;
  private sent = 0;
  private acked = 0;
  /** Code of the server's `error` message just before a close, if one came. */
  private lastError: string | null = null;
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private step2Sent = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;

  constructor(private readonly options: JobConnectionOptions) {
    if (options.links) this.links = options.links;
    else if (options.relayUrl && options.WebSocket) this.links = socketLinks(options.relayUrl, options.WebSocket);
    else throw new TypeError('A job connection needs `links`, or `relayUrl` and `WebSocket`.');
    options.awareness.on('update', this.onAwarenessUpdate);
  }

  /** Starts connecting (and keeps reconnecting). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /**
   * Reconnects now (the network came back). A refused job stays refused: the server
   * answered it, and asking again every time the network wakes up changes nothing.
   */
  resume(): void {
    this.attempt = 0;
    if (this.stopped) return this.start();
    if (!this.link && !this.refused) {
      if (this.timer) clearTimeout(this.timer);
      this.connect();
    }
  }

  /** Clears a refusal and reconnects (a new sign-in, the job assigned to this person again). */
  lift(): void {
    this.refused = null;
    this.resume();
  }

  /** Closes the socket (it reconnects unless stopped). */
  drop(): void {
    this.link?.close();
  }

  /** Stops for good: closes the socket and reconnects no more. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.clearAckTimer();
    if (this.link) {
      awarenessProtocol.removeAwarenessStates(this.options.awareness, [this.options.doc.clientID], 'stop');
      this.link.close();
    }
  }

  /** Stops and detaches from the doc. */
  destroy(): void {
    this.stop();
    this.options.awareness.off('update', this.onAwarenessUpdate);
  }

  private connect(): void {
    this.timer = null;
    if (this.stopped || this.refused) return;
    const socketId = ++this.socketId;
    this.sent = 0;
    this.acked = 0;
    this.step2Sent = false;
    this.synced = false;
    let link: JobLink | null = null;
    link = this.links.connect(this.options.jobId, {
      opened: () => {
        if (!link || this.link !== link) return;
        this.open = true;
        this.attempt = 0;
        this.options.events.opened(socketId);
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, Y_MESSAGE.sync);
        syncProtocol.writeSyncStep1(e, this.options.doc);
        // Carried changes are content message 1 and cover every update made so far, as a
        // step 2 would: later updates may go at once, behind them.
        if (link.sendOpening(encoding.toUint8Array(e), this.options.unackedChanges?.() ?? null)) this.countContent('step2');
        if (this.options.awareness.getLocalState() !== null) this.sendAwareness([this.options.doc.clientID]);
      },
      message: (bytes) => {
        if (!link) return;
        try {
          this.onMessage(socketId, bytes);
        } catch {
          // A message we cannot read: start over on a fresh socket rather than drift out of sync.
          this.giveUp(link, socketId, DEVICE_CLOSE_CODES.unreadableMessage, 'unreadable message from the server', false);
        }
      },
      closed: (code, reason, channelLost) => {
        if (link) this.closed(link, socketId, code, reason, channelLost);
      },
    });
    if (!link) return this.scheduleReconnect();
    this.link = link;
  }

  /** Gives up on a link that still looks open (unreadable message, no ack in time). */
  private giveUp(link: JobLink, socketId: number, code: number, reason: string, dead: boolean): void {
    this.closed(link, socketId, code, reason, false);
    link.close(dead);
  }

  /** Forgets a socket that closed (or that we gave up on) and schedules the next one. */
  private closed(link: JobLink, socketId: number, code: number, reason: string, channelLost: boolean): void {
    if (this.link !== link) return;
    this.link = null;
    this.open = false;
    this.synced = false;
    this.clearAckTimer();
    awarenessProtocol.removeAwarenessStates(
      this.options.awareness,
      [...this.options.awareness.getStates().keys()].filter((id) => id !== this.options.doc.clientID),
      this,
    );
    if (closeAction(code, this.lastError) !== 'retry') this.refused = { code, reason, error: this.lastError };
    this.lastError = null;
    this.options.events.closed(socketId, code, reason);
    this.scheduleReconnect(channelLost);
  }

  /** `now`: the shared channel went down and keeps its own backoff; the job asks again at once. */
  private scheduleReconnect(now = false): void {
    if (this.stopped || this.refused || this.timer) return;
    this.timer = setTimeout(() => this.connect(), now ? 0 : backoffDelay(this.attempt++, this.options.backoff ?? RECONNECT_BACKOFF));
  }

  private onMessage(socketId: number, bytes: Uint8Array): void {
    if (socketId !== this.socketId || !this.link) return;
    const d = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(d);
    if (type === Y_MESSAGE.sync) {
      const reply = encoding.createEncoder();
      encoding.writeVarUint(reply, Y_MESSAGE.sync);
      const syncType = syncProtocol.readSyncMessage(d, reply, this.options.doc, this);
      if (syncType === syncProtocol.messageYjsSyncStep1) this.sendContent(encoding.toUint8Array(reply), 'step2');
      else if (syncType === syncProtocol.messageYjsSyncStep2 && !this.synced) {
        this.synced = true;
        this.options.events.synced(socketId);
      }
    } else if (type === Y_MESSAGE.awareness) {
      awarenessProtocol.applyAwarenessUpdate(this.options.awareness, decoding.readVarUint8Array(d), this);
    } else if (type === Y_MESSAGE.queryAwareness) {
      // Only this client's own presence is ours to send; the server relays everyone else's.
      this.sendAwareness([this.options.doc.clientID]);
    } else if (isOutpostMessageType(type)) {
      const msg = readOutpostMessage(type, d);
      if (msg.name === 'durableAck') {
        this.acked = Math.max(this.acked, msg.value.upTo);
        this.clearAckTimer();
        if (this.acked < this.sent) this.startAckTimer();
        this.options.events.durableAck(socketId, msg.value.upTo);
      } else {
        if (msg.name === 'error') this.lastError = msg.value.code;
        this.options.events.message(msg);
      }
    }
  }

  private sendContent(bytes: Uint8Array, kind: 'step2' | 'update'): void {
    if (!this.link?.open) return;
    this.link.send(bytes);
    this.countContent(kind);
  }

  /** Numbers a content message that went out; a step 2 (or carried changes) covers every update so far. */
  private countContent(kind: 'step2' | 'update'): void {
    this.sent++;
    // A timer armed while changes waited for the server's step 1 starts again for the step 2.
    if (kind === 'step2') this.clearAckTimer();
    if (!this.ackTimer) this.startAckTimer();
    if (kind === 'step2') {
      this.step2Sent = true;
      this.options.events.step2Sent(this.socketId, this.sent);
    }
  }

  /**
   * Liveness: a socket that carried content but hears no durable ack for a while, or holds
   * changes back for a server step 1 that does not come, is treated as dead (a half-open
   * connection after the network vanished can look open for minutes) and replaced; the
   * next socket's step 2 carries everything again.
   */
  private startAckTimer(): void {
    const link = this.link;
    const socketId = this.socketId;
    if (!link) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = null;
      if (this.link !== link) return;
      if (!this.step2Sent) return this.giveUp(link, socketId, DEVICE_CLOSE_CODES.noDurableAck, 'no server sync step 1 in time for changes waiting to go', true);
      if (this.acked >= this.sent) return;
      this.giveUp(link, socketId, DEVICE_CLOSE_CODES.noDurableAck, 'no durable ack in time', true);
    }, this.options.ackTimeoutMs ?? ACK_TIMEOUT_MS);
  }

  private clearAckTimer(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
  }

  private sendAwareness(clients: number[]): void {
    if (!this.link?.open) return;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, Y_MESSAGE.awareness);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.options.awareness, clients));
    this.link.send(encoding.toUint8Array(e));
  }

  /**
   * Sends a doc update the owner saw (anything not from this connection). Returns the
   * message's number on the current socket, or null when it was held back (no socket, or
   * the socket's sync step 2, which will carry it, has not gone out yet).
   */
  sendUpdate(update: Uint8Array): { socket: number; n: number } | null {
    if (!this.link?.open) return null;
    if (!this.step2Sent) {
      // Held for the step 2 answering the server's step 1: a link that went silent before
      // that step 1 arrived must be noticed too, or the change waits on it for good.
      if (!this.ackTimer) this.startAckTimer();
      return null;
    }
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, Y_MESSAGE.sync);
    syncProtocol.writeUpdate(e, update);
    this.sendContent(encoding.toUint8Array(e), 'update');
    return { socket: this.socketId, n: this.sent };
  }

  private readonly onAwarenessUpdate = ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown): void => {
    if (origin === this) return;
    this.sendAwareness([...added, ...updated, ...removed]);
  };
}
