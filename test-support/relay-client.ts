/**
 * The test suites' one relay client (the server suite, the fault suite and the multi-node
 * test all use it): y-protocols sync and awareness over `ws` on `/sync/:jobId`, with the
 * durable-ack counting rule of docs/contracts.md done by hand, so a test can tell precisely
 * which of its updates the server has promised to keep — independent of the client engine
 * under test.
 *
 *   const c = await RelayClient.connect({ baseUrl, jobId, token });
 *   await c.whenSynced;
 *   const n = c.edit((doc) => addNote(doc, …));   // sent as content message n
 *   await c.durable(n);                            // the server acked it after commit
 *
 * `autoSend: false` sends nothing but what the test sends (`edit`, `sendUpdate`,
 * `sendRaw`), for tests that shape the doc before the server may see it; `sendStep1:
 * false` leaves the handshake's sync step 1 to the test too.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import { newJobDoc, readOutpostMessage, type DecodedMessage } from '@outpost/shared';

/** How a socket ended. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** Options for `RelayClient.connect`. */
export interface RelayClientOptions {
  /** The server's base URL (`http://…`, `ws://…`); the client adds `/sync/:jobId`. */
  baseUrl: string;
  jobId: string;
  /** Omitted or null: no token parameter at all. */
  token?: string | null;
  /** Ask for durable acks and Outpost messages (`acks=1`); default true. */
  acks?: boolean;
  doc?: Y.Doc;
  /** Fail `connect` if the socket is not open by then. */
  openTimeoutMs?: number;
  /** Send every change made to `doc` as an update message (default true). */
  autoSend?: boolean;
  /** Send sync step 1 as soon as the socket opens (default true). */
  sendStep1?: boolean;
}

/** See the module comment. */
export class RelayClient {
  readonly awareness: awarenessProtocol.Awareness;
  /** Outpost messages received (durable acks, errors, job changes). */
  readonly received: DecodedMessage[] = [];
  /** True once the server's state was merged (its sync step 2 arrived). */
  synced = false;
  /** Acks that broke the contract (went backwards, or acked more than was sent). */
  readonly violations: string[] = [];
  /** Highest durable ack received. */
  ackedUpTo = 0;
  /** Content messages sent so far (the server's counter for this socket). */
  contentSent = 0;
  /** Resolves once the server's state was merged (its sync step 2 arrived). */
  readonly whenSynced: Promise<void>;
  /** Resolves when the socket closes, with code and reason. */
  readonly closed: Promise<CloseInfo>;
  closeInfo: CloseInfo | null = null;
  private markSynced!: () => void;
  private readonly ackWaiters: { upTo: number; resolve: () => void }[] = [];

  private constructor(
    readonly ws: WebSocket,
    readonly doc: Y.Doc,
    private readonly autoSend: boolean,
  ) {
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.whenSynced = new Promise((resolve) => (this.markSynced = resolve));
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString() };
        this.awareness.destroy();
        doc.off('update', this.onDocUpdate);
        resolve(this.closeInfo);
      });
    });
    ws.on('message', (data: Buffer) => this.receive(new Uint8Array(data)));
    if (autoSend) doc.on('update', this.onDocUpdate);
  }

  /** The relay URL for a job, with the token and `acks=1` as asked. */
  static url(o: RelayClientOptions): string {
    const u = new URL(`/sync/${encodeURIComponent(o.jobId)}`, o.baseUrl.replace(/^http/, 'ws'));
    if (o.token !== undefined && o.token !== null) u.searchParams.set('token', o.token);
    if (o.acks !== false) u.searchParams.set('acks', '1');
    return u.toString();
  }

  /**
   * Opens a socket and starts syncing. Resolves once the socket is open, or once it
   * closed during the handshake (check `closeInfo`); rejects if it never opens.
   */
  static async connect(o: RelayClientOptions): Promise<RelayClient> {
    const ws = new WebSocket(RelayClient.url(o));
    ws.binaryType = 'nodebuffer';
    const client = new RelayClient(ws, o.doc ?? newJobDoc(o.jobId), o.autoSend !== false);
    ws.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`relay socket for ${o.jobId} did not open`)), o.openTimeoutMs ?? 5000);
      ws.once('open', () => {
        clearTimeout(timer);
        if (o.sendStep1 !== false) client.sendStep1();
        resolve();
      });
      ws.once('unexpected-response', (_req, res) => {
        clearTimeout(timer);
        client.closeInfo = { code: res.statusCode ?? 0, reason: 'http' };
        ws.terminate();
        resolve();
      });
      ws.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    return client;
  }

  /** True while the socket is open. */
  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** The close code, once the socket closed. */
  get closeCode(): number | null {
    return this.closeInfo?.code ?? null;
  }

  /** Waits (bounded) for the server to close the socket; resolves to the close code. */
  async closedWithin(timeoutMs = 5000): Promise<number> {
    const info = await Promise.race([this.closed, new Promise<null>((r) => setTimeout(() => r(null), timeoutMs))]);
    if (!info) throw new Error(`the socket was not closed within ${timeoutMs} ms`);
    return info.code;
  }

  /** Makes a change in one transaction and sends it; returns the content-message number it went out as. */
  edit(change: (doc: Y.Doc) => void): number {
    if (this.autoSend) {
      this.doc.transact(() => change(this.doc));
      return this.contentSent;
    }
    const before = Y.encodeStateVector(this.doc);
    this.doc.transact(() => change(this.doc));
    return this.sendUpdate(Y.encodeStateAsUpdate(this.doc, before));
  }

  /** Resolves once a durable ack covers content message `upTo` (default: everything sent). */
  durable(upTo = this.contentSent, timeoutMs = 10_000): Promise<void> {
    if (this.ackedUpTo >= upTo) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no durable ack for message ${upTo} (acked up to ${this.ackedUpTo})`)), timeoutMs);
      this.ackWaiters.push({ upTo, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  /** Sends raw bytes as one binary frame (fuzzing); false when the socket is not open. */
  sendRaw(bytes: Uint8Array): boolean {
    if (!this.open) return false;
    this.ws.send(bytes);
    return true;
  }

  /** Sets this client's presence and sends it. */
  setPresence(state: Record<string, unknown>): void {
    this.awareness.setLocalState(state);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 1);
    encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID]));
    this.sendRaw(encoding.toUint8Array(e));
  }

  /** Closes the socket and waits for it to close (`closeInfo` says how). */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) this.ws.close();
    const timer = setTimeout(() => this.ws.terminate(), 2000);
    await this.closed;
    clearTimeout(timer);
  }

  /** The close reason, once the socket closed. */
  get closeReason(): string {
    return this.closeInfo?.reason ?? '';
  }

  /** Sends sync step 1 (the server answers with its step 2). */
  sendStep1(): void {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep1(e, this.doc);
    this.sendRaw(encoding.toUint8Array(e));
  }

  /** Sends an update message (sync type 2) carrying `update`; returns its content-message number. */
  sendUpdate(update: Uint8Array): number {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeUpdate(e, update);
    if (this.sendRaw(encoding.toUint8Array(e))) this.contentSent++;
    return this.contentSent;
  }

  private readonly onDocUpdate = (update: Uint8Array, origin: unknown): void => {
    if (origin !== this) this.sendUpdate(update);
  };

  private receive(bytes: Uint8Array): void {
    const d = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(d);
    if (type === 0) {
      const e = encoding.createEncoder();
      encoding.writeVarUint(e, 0);
      const syncType = syncProtocol.readSyncMessage(d, e, this.doc, this);
      // Our reply to the server's step 1 is a step 2: a content message the server counts.
      if (encoding.length(e) > 1 && this.sendRaw(encoding.toUint8Array(e))) this.contentSent++;
      if (syncType === syncProtocol.messageYjsSyncStep2) {
        this.synced = true;
        this.markSynced();
      }
    } else if (type === 1) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(d), this);
    } else if (type >= 100) {
      const message = readOutpostMessage(type, d);
      this.received.push(message);
      if (message.name === 'durableAck') this.onAck(message.value.upTo);
    }
  }

  private onAck(upTo: number): void {
    if (upTo < this.ackedUpTo || upTo > this.contentSent) this.violations.push(`durable ack ${upTo} after ${this.ackedUpTo}, ${this.contentSent} sent`);
    this.ackedUpTo = upTo;
    for (const w of this.ackWaiters.splice(0)) {
      if (w.upTo <= upTo) w.resolve();
      else this.ackWaiters.push(w);
    }
  }

  /** Error messages the server sent before closing. */
  get errors(): { code: string; message: string }[] {
    return this.received.flatMap((m) => (m.name === 'error' ? [m.value] : []));
  }
}
