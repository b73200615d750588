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
 * something the server lacks).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import type * as Y from 'yjs';
import { closeAction, DEVICE_CLOSE_CODES, isOutpostMessageType, readOutpostMessage, Y_MESSAGE, type DecodedMessage } from '@outpost/shared';
import { backoffDelay, RECONNECT_BACKOFF, type BackoffPolicy } from './backoff';

/** The WebSocket constructor the connection uses (browser global or `ws`). */
export type WebSocketLike = new (url: string) => WebSocket;

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

/** Options of a job connection. */
export interface JobConnectionOptions {
  relayUrl: (jobId: string) => string | null;
  jobId: string;
  doc: Y.Doc;
  awareness: awarenessProtocol.Awareness;
  WebSocket: WebSocketLike;
  events: ConnectionEvents;
  backoff?: BackoffPolicy;
  /** Give up on a socket whose content goes unacked this long (default ACK_TIMEOUT_MS). */
  ackTimeoutMs?: number;
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

  private ws: WebSocket | null = null;
  private sent = 0;
  private acked = 0;
  /** Code of the server's `error` message just before a close, if one came. */
  private lastError: string | null = null;
  private ackTimer: ReturnType<typeof setTimeout> | null = null;
  private step2Sent = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = true;

  constructor(private readonly o: JobConnectionOptions) {
    o.awareness.on('update', this.onAwarenessUpdate);
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
    if (!this.ws && !this.refused) {
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
    this.ws?.close();
  }

  /** Stops for good: closes the socket and reconnects no more. */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.clearAckTimer();
    if (this.ws) {
      awarenessProtocol.removeAwarenessStates(this.o.awareness, [this.o.doc.clientID], 'stop');
      this.ws.close(1000);
    }
  }

  /** Stops and detaches from the doc. */
  destroy(): void {
    this.stop();
    this.o.awareness.off('update', this.onAwarenessUpdate);
  }

  private connect(): void {
    this.timer = null;
    if (this.stopped || this.refused) return;
    const url = this.o.relayUrl(this.o.jobId);
    if (!url) return this.scheduleReconnect();
    const socketId = ++this.socketId;
    let ws: WebSocket;
    try {
      ws = new this.o.WebSocket(url);
    } catch {
      return this.scheduleReconnect();
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    this.sent = 0;
    this.acked = 0;
    this.step2Sent = false;
    this.synced = false;
    // A socket stuck in CONNECTING (black-holed network) would never close on its own.
    const connectTimer = setTimeout(() => ws.readyState !== 1 && ws.close(), 10_000);
    ws.onopen = () => {
      clearTimeout(connectTimer);
      this.open = true;
      this.attempt = 0;
      this.o.events.opened(socketId);
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, Y_MESSAGE.sync);
      syncProtocol.writeSyncStep1(e, this.o.doc);
      ws.send(encoding.toUint8Array(e));
      if (this.o.awareness.getLocalState() !== null) this.sendAwareness([this.o.doc.clientID]);
    };
    ws.onmessage = (event: MessageEvent) => {
      try {
        this.onMessage(socketId, new Uint8Array(event.data as ArrayBuffer));
      } catch {
        // A message we cannot read: start over on a fresh socket rather than drift out of sync.
        ws.close();
        this.closed(ws, socketId, DEVICE_CLOSE_CODES.unreadableMessage, 'unreadable message from the server');
      }
    };
    ws.onerror = () => undefined;
    ws.onclose = (event: CloseEvent) => {
      clearTimeout(connectTimer);
      this.closed(ws, socketId, event.code, event.reason);
    };
  }

  /** Forgets a socket that closed (or that we gave up on) and schedules the next one. */
  private closed(ws: WebSocket, socketId: number, code: number, reason: string): void {
    if (this.ws !== ws) return;
    this.ws = null;
    this.open = false;
    this.synced = false;
    this.clearAckTimer();
    awarenessProtocol.removeAwarenessStates(
      this.o.awareness,
      [...this.o.awareness.getStates().keys()].filter((id) => id !== this.o.doc.clientID),
      this,
    );
    if (closeAction(code, this.lastError) !== 'retry') this.refused = { code, reason, error: this.lastError };
    this.lastError = null;
    this.o.events.closed(socketId, code, reason);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.refused || this.timer) return;
    this.timer = setTimeout(() => this.connect(), backoffDelay(this.attempt++, this.o.backoff ?? RECONNECT_BACKOFF));
  }

  private onMessage(socketId: number, bytes: Uint8Array): void {
    if (socketId !== this.socketId || !this.ws) return;
    const d = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(d);
    if (type === Y_MESSAGE.sync) {
      const reply = encoding.createEncoder();
      encoding.writeVarUint(reply, Y_MESSAGE.sync);
      const syncType = syncProtocol.readSyncMessage(d, reply, this.o.doc, this);
      if (syncType === syncProtocol.messageYjsSyncStep1) {
        this.sendContent(encoding.toUint8Array(reply), 'step2');
        this.step2Sent = true;
      } else if (syncType === syncProtocol.messageYjsSyncStep2 && !this.synced) {
        this.synced = true;
        this.o.events.synced(socketId);
      }
    } else if (type === Y_MESSAGE.awareness) {
      awarenessProtocol.applyAwarenessUpdate(this.o.awareness, decoding.readVarUint8Array(d), this);
    } else if (type === Y_MESSAGE.queryAwareness) {
      // Only this client's own presence is ours to send; the server relays everyone else's.
      this.sendAwareness([this.o.doc.clientID]);
    } else if (isOutpostMessageType(type)) {
      const msg = readOutpostMessage(type, d);
      if (msg.name === 'durableAck') {
        this.acked = Math.max(this.acked, msg.value.upTo);
        this.clearAckTimer();
        if (this.acked < this.sent) this.startAckTimer();
        this.o.events.durableAck(socketId, msg.value.upTo);
      }
      else {
        if (msg.name === 'error') this.lastError = msg.value.code;
        this.o.events.message(msg);
      }
    }
  }

  private sendContent(bytes: Uint8Array, kind: 'step2' | 'update'): void {
    if (!this.ws || this.ws.readyState !== 1) return;
    this.ws.send(bytes);
    this.sent++;
    if (!this.ackTimer) this.startAckTimer();
    if (kind === 'step2') this.o.events.step2Sent(this.socketId, this.sent);
  }

  /**
   * Liveness: a socket that carried content but hears no durable ack for a while is
   * treated as dead (a half-open connection after the network vanished can look open for
   * minutes) and replaced; the next socket's step 2 carries everything again.
   */
  private startAckTimer(): void {
    const ws = this.ws;
    const socketId = this.socketId;
    if (!ws) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = null;
      if (this.ws !== ws || this.acked >= this.sent) return;
      ws.close();
      this.closed(ws, socketId, DEVICE_CLOSE_CODES.noDurableAck, 'no durable ack in time');
    }, this.o.ackTimeoutMs ?? ACK_TIMEOUT_MS);
  }

  private clearAckTimer(): void {
    if (this.ackTimer) clearTimeout(this.ackTimer);
    this.ackTimer = null;
  }

  private sendAwareness(clients: number[]): void {
    if (!this.ws || this.ws.readyState !== 1) return;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, Y_MESSAGE.awareness);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.o.awareness, clients));
    this.ws.send(encoding.toUint8Array(e));
  }

  /**
   * Sends a doc update the owner saw (anything not from this connection). Returns the
   * message's number on the current socket, or null when it was held back (no socket, or
   * the socket's sync step 2, which will carry it, has not gone out yet).
   */
  sendUpdate(update: Uint8Array): { socket: number; n: number } | null {
    if (!this.step2Sent || !this.ws || this.ws.readyState !== 1) return null;
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, Y_MESSAGE.sync);
    syncProtocol.writeUpdate(e, update);
    this.sendContent(encoding.toUint8Array(e), 'update');
    return { socket: this.socketId, n: this.sent };
  }

  private readonly onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    if (origin === this) return;
    this.sendAwareness([...added, ...updated, ...removed]);
  };
}
