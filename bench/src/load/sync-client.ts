/**
 * The load generator's websocket client: speaks y-protocols sync to any of the three
 * servers, so every server gets the identical workload. Two dialects:
 *
 * - `y` (Outpost, y-websocket-server): one job per socket, plain y-websocket framing.
 *   Outpost's durable acks (message type 100) arrive only when the URL asks for `acks=1`.
 * - `hocuspocus`: every message is prefixed with the document name, an auth message
 *   opens each document, and the server answers each content message with SyncStatus (8).
 * - `channel`: Outpost's device channel (`/device`): every message is prefixed with the job
 *   id, a job is opened by a `subscribe` on the channel address carrying its state vector
 *   (the device's sync step 1), and durable acks come per job.
 *
 * A session may hold a Y.Doc (a device or typist: it answers the server's sync step 1 with
 * what the server lacks) or none (a pure listener that only parses update metadata).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { CHANNEL_ADDRESS, encodeMessage, readOutpostMessage, subscribe } from '@outpost/shared';

/** Framing spoken by the server. */
export type Dialect = 'y' | 'hocuspocus' | 'channel';

const HP_AUTH = 2;
const HP_SYNC_REPLY = 4;
const HP_SYNC_STATUS = 8;

/** Per-session callbacks and counters. */
export interface JobSession {
  readonly docName: string;
  readonly doc: Y.Doc | null;
  /** Content messages (sync step 2 + update) sent, counted as Outpost's durable ack counts them. */
  contentSent: number;
  /** Highest content message acknowledged (Outpost durable ack; Hocuspocus SyncStatus count). */
  acked: number;
  /** True once the server's sync step 2 arrived. */
  synced: boolean;
  /** True once this device answered the server's sync step 1 (its own step 2 sent: what the server lacked). */
  answered: boolean;
  /** Apply relayed updates to `doc` (a typist that never reads others' text may skip it). */
  applyRemote: boolean;
  /** Size of the last sync step 2 this client sent: the Yjs diff of what the server lacked. */
  step2SentBytes?: number;
  /** Error messages or close reasons the server sent. */
  errors: string[];
  /** Called for every update the server relays (sync step 2 included). */
  onUpdate?: (update: Uint8Array, at: number) => void;
  /** Called for every awareness (presence) update the server relays. */
  onAwareness?: (update: Uint8Array, at: number) => void;
  /** Called on every ack with the new `acked` value. */
  onAck?: (acked: number, at: number) => void;
}

/** Connection options. */
export interface SyncClientOptions {
  url: string;
  dialect: Dialect;
  token?: string;
}

/** One websocket to a sync server carrying one (y) or several (hocuspocus, channel) job sessions. */
export class SyncClient {
  readonly ws: WebSocket;
  readonly sessions = new Map<string, JobSession>();
  readonly opened: Promise<void>;
  closed = false;
  closeReason = '';

  constructor(readonly options: SyncClientOptions) {
    this.ws = new WebSocket(options.url, { perMessageDeflate: false });
    this.ws.binaryType = 'nodebuffer';
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
    this.ws.on('error', (e) => (this.closeReason ||= String(e)));
    this.ws.on('close', (code, reason) => {
      this.closed = true;
      this.closeReason ||= `${code} ${reason.toString()}`;
      for (const s of this.sessions.values()) s.errors.push(`closed ${code} ${reason.toString()}`);
      this.notify();
    });
    this.ws.on('message', (data: Buffer) => {
      try {
        this.receive(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      } catch (e) {
        // A message the client cannot read is a benchmark fault: record it, never hide it.
        const error = `unreadable message: ${e instanceof Error ? e.message : String(e)}`;
        for (const s of this.sessions.values()) s.errors.push(error);
        console.error(error);
      }
      if (this.waiters.size) this.notify();
    });
  }

  /** Opens a job session on this socket and starts the sync handshake (sends step 1). */
  join(docName: string, doc: Y.Doc | null): JobSession {
    if (this.options.dialect === 'y' && this.sessions.size > 0) throw new Error('y dialect: one job per socket');
    const session: JobSession = { docName, doc, contentSent: 0, acked: 0, synced: false, answered: false, applyRemote: true, errors: [] };
    this.sessions.set(docName, session);
    if (this.options.dialect === 'hocuspocus') {
      this.send(docName, (e) => {
        encoding.writeVarUint(e, HP_AUTH);
        encoding.writeVarUint(e, 0); // token
        encoding.writeVarString(e, this.options.token ?? 'bench');
      });
    }
    if (this.options.dialect === 'channel') {
      const stateVector = Y.encodeStateVector(doc ?? new Y.Doc());
      this.send(CHANNEL_ADDRESS, (e) => encoding.writeUint8Array(e, encodeMessage(subscribe, { jobIds: [docName], stateVectors: [stateVector] })));
      return session;
    }
    this.send(docName, (e) => {
      encoding.writeVarUint(e, 0);
      if (doc) syncProtocol.writeSyncStep1(e, doc);
      else {
        encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
        encoding.writeVarUint8Array(e, Y.encodeStateVector(new Y.Doc()));
      }
    });
    return session;
  }

  /** Sends one update as a sync update message; returns its content-message number. */
  sendUpdate(session: JobSession, update: Uint8Array): number {
    this.send(session.docName, (e) => {
      encoding.writeVarUint(e, 0);
      syncProtocol.writeUpdate(e, update);
    });
    return ++session.contentSent;
  }

  /** Sends one awareness (presence) update: message type 1 in both dialects. */
  sendAwareness(session: JobSession, update: Uint8Array): void {
    this.send(session.docName, (e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, update);
    });
  }

  /** Resolves once `session.acked >= n`, or rejects after `timeoutMs` or on close. */
  waitAck(session: JobSession, n: number, timeoutMs: number): Promise<void> {
    return this.waitUntil(
      () => session.acked >= n,
      timeoutMs,
      () => `ack ${n} of ${session.docName} (got ${session.acked})`,
    );
  }

  /** Resolves once the server's sync step 2 arrived. */
  waitSynced(session: JobSession, timeoutMs: number): Promise<void> {
    return this.waitUntil(
      () => session.synced,
      timeoutMs,
      () => `sync of ${session.docName}`,
    );
  }

  /**
   * Resolves once the session is in sync both ways: the server's step 2 arrived and this
   * device answered the server's step 1 with what the server lacked. On a device channel a
   * subscribe carries only the state vector here, so a device's own content reaches the
   * server in that answer, and an update typed before it depends on items the server has
   * not seen (refused `unresolved_update`). The server's step 1 comes after its answer, so
   * under load it can arrive after the step 2 does.
   */
  waitInSync(session: JobSession, timeoutMs: number): Promise<void> {
    return this.waitUntil(
      () => session.synced && session.answered,
      timeoutMs,
      () => `sync both ways of ${session.docName} (server's step 2 ${session.synced ? '' : 'not '}in, step 1 ${session.answered ? '' : 'not '}answered)`,
    );
  }

  /** Closes the socket and waits for the close to finish (bounded). */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const done = new Promise<void>((r) => this.ws.once('close', () => r()));
    this.ws.close();
    await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
    if ((this.ws.readyState as number) !== WebSocket.CLOSED) this.ws.terminate();
  }

  /** Waiters re-checked after every received message and on close, so no polling is needed. */
  private readonly waiters = new Set<() => void>();

  private waitUntil(ok: () => boolean, timeoutMs: number, what: () => string): Promise<void> {
    return new Promise((resolve, reject) => {
      const finish = (error?: Error) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (ok()) finish();
        else if (this.closed) finish(new Error(`socket closed (${this.closeReason}) while waiting for ${what()}`));
      };
      const timer = setTimeout(() => finish(new Error(`timed out waiting for ${what()}`)), timeoutMs);
      this.waiters.add(check);
      check();
    });
  }

  private notify(): void {
    for (const check of [...this.waiters]) check();
  }

  private send(docName: string, write: (e: encoding.Encoder) => void): void {
    if (this.ws.readyState === WebSocket.CONNECTING) {
      void this.opened.then(
        () => this.send(docName, write),
        () => undefined,
      );
      return;
    }
    // A closed socket drops what is sent (its close is in every session's errors); waiting
    // for `opened`, long resolved, would spin in microtasks and starve the whole generator.
    if (this.ws.readyState !== WebSocket.OPEN) return;
    const e = encoding.createEncoder();
    if (this.options.dialect !== 'y') encoding.writeVarString(e, docName);
    write(e);
    this.ws.send(encoding.toUint8Array(e));
  }

  private receive(bytes: Uint8Array): void {
    const at = performance.now();
    const d = decoding.createDecoder(bytes);
    const hp = this.options.dialect === 'hocuspocus';
    const session = this.options.dialect !== 'y' ? this.sessions.get(decoding.readVarString(d)) : this.sessions.values().next().value;
    if (!session) return;
    const type = decoding.readVarUint(d);
    if (type === 0 || (hp && type === HP_SYNC_REPLY)) this.receiveSync(session, d, at);
    else if (type === 1) session.onAwareness?.(decoding.readVarUint8Array(d), at);
    else if (hp && type === HP_SYNC_STATUS) {
      if (decoding.readVarUint(d) === 1) {
        session.acked++;
        session.onAck?.(session.acked, at);
      } else session.errors.push('sync status: not saved');
    } else if (hp && type === HP_AUTH) {
      if (decoding.readVarUint(d) === 1) session.errors.push(`permission denied: ${decoding.readVarString(d)}`);
    } else if (type >= 100) {
      const m = readOutpostMessage(type, d);
      if (m.name === 'durableAck') {
        session.acked = Math.max(session.acked, m.value.upTo);
        session.onAck?.(session.acked, at);
      } else if (m.name === 'error') session.errors.push(JSON.stringify(m.value));
    }
  }

  private receiveSync(session: JobSession, d: decoding.Decoder, at: number): void {
    const sub = decoding.readVarUint(d);
    if (sub === syncProtocol.messageYjsSyncStep1) {
      const serverState = decoding.readVarUint8Array(d);
      const diff = session.doc ? Y.encodeStateAsUpdate(session.doc, serverState) : Y.encodeStateAsUpdate(new Y.Doc());
      this.send(session.docName, (e) => {
        encoding.writeVarUint(e, 0);
        encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
        encoding.writeVarUint8Array(e, diff);
      });
      session.contentSent++;
      session.step2SentBytes = diff.length;
      session.answered = true;
      return;
    }
    const update = decoding.readVarUint8Array(d);
    if (session.doc && session.applyRemote) Y.applyUpdate(session.doc, update, this);
    if (sub === syncProtocol.messageYjsSyncStep2) session.synced = true;
    session.onUpdate?.(update, at);
  }
}
