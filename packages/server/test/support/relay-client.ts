/**
 * A minimal relay client for tests that need exact control of frames: it speaks the
 * y-websocket protocol over a real socket, keeps a local Y.Doc in sync, records Outpost
 * messages (durable acks, errors) and the close code.
 */
import { decodeOutpostMessage, type DecodedMessage } from '@outpost/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { until } from './server';

/** A test relay client on one job. */
export class RelayClient {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly outpost: DecodedMessage[] = [];
  closeCode: number | null = null;
  closeReason = '';
  synced = false;
  private constructor(readonly ws: WebSocket) {}

  /** Connects to `/sync/:jobId`; `acks` asks for durable acks. */
  static async connect(wsBase: string, jobId: string, token: string | null, opts: { acks?: boolean; waitSynced?: boolean } = {}): Promise<RelayClient> {
    const q = new URLSearchParams();
    if (token !== null) q.set('token', token);
    if (opts.acks !== false) q.set('acks', '1');
    const ws = new WebSocket(`${wsBase}/${encodeURIComponent(jobId)}?${q}`);
    ws.binaryType = 'nodebuffer';
    const client = new RelayClient(ws);
    ws.on('message', (data: Buffer) => client.onMessage(new Uint8Array(data)));
    ws.on('close', (code, reason) => {
      client.closeCode = code;
      client.closeReason = reason.toString();
    });
    ws.on('error', () => undefined);
    await new Promise<void>((resolve) => {
      ws.once('open', () => resolve());
      ws.once('close', () => resolve());
    });
    if (opts.waitSynced !== false && client.closeCode === null) {
      client.sendSyncStep1();
      await until(() => client.synced || client.closeCode !== null, 5000, 'sync');
    }
    return client;
  }

  private onMessage(bytes: Uint8Array): void {
    const d = decoding.createDecoder(bytes);
    const type = decoding.readVarUint(d);
    if (type === 0) {
      const syncType = decoding.readVarUint(d);
      const payload = decoding.readVarUint8Array(d);
      if (syncType === 0) {
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, 0);
        syncProtocol.writeSyncStep2(e, this.doc, payload);
        this.send(encoding.toUint8Array(e));
      } else {
        Y.applyUpdate(this.doc, payload, 'server');
        if (syncType === 1) this.synced = true;
      }
    } else if (type === 1) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(d), 'server');
    } else if (type >= 100) {
      this.outpost.push(decodeOutpostMessage(bytes));
    }
  }

  /** Sends raw bytes. */
  send(bytes: Uint8Array): void {
    this.ws.send(bytes);
  }

  /** Sends sync step 1 (the server answers with step 2). */
  sendSyncStep1(): void {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeSyncStep1(e, this.doc);
    this.send(encoding.toUint8Array(e));
  }

  /** Sends an update message (sync type 2) carrying `update`. */
  sendUpdate(update: Uint8Array): void {
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeUpdate(e, update);
    this.send(encoding.toUint8Array(e));
  }

  /** Edits the local doc and sends the resulting update; returns it. */
  edit(change: (doc: Y.Doc) => void): Uint8Array {
    const before = Y.encodeStateVector(this.doc);
    change(this.doc);
    const update = Y.encodeStateAsUpdate(this.doc, before);
    this.sendUpdate(update);
    return update;
  }

  /** Highest durable ack received (0 if none). */
  get ackedUpTo(): number {
    return Math.max(0, ...this.outpost.filter((m) => m.name === 'durableAck').map((m) => (m.value as { upTo: number }).upTo));
  }

  /** Error messages received. */
  get errors(): { code: string; message: string }[] {
    return this.outpost.filter((m) => m.name === 'error').map((m) => m.value as { code: string; message: string });
  }

  /** Waits for the server to close the socket and returns the code. */
  async closed(timeoutMs = 5000): Promise<number> {
    await until(() => this.closeCode !== null, timeoutMs, 'socket close');
    return this.closeCode!;
  }

  /** Closes the socket and waits for it. */
  async close(): Promise<void> {
    this.awareness.destroy();
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const done = new Promise<void>((r) => this.ws.once('close', () => r()));
    this.ws.close();
    await done;
  }
}
