/**
 * The test suites' device-channel client (beside `relay-client.ts`, its `/sync/:jobId`
 * counterpart), for tests that need exact control of frames: one real
 * socket on `/device`, a Y.Doc per subscribed job kept in sync, Outpost messages recorded
 * per job (and on the channel address), and the close code.
 */
import {
  CHANNEL_ADDRESS,
  decodeOutpostMessage,
  encodeJobFrame,
  encodeMessage,
  PROTOCOL_VERSION,
  readJobFrame,
  subscribe,
  subscribeWithChanges,
  unsubscribe,
  type DecodedMessage,
} from '@outpost/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import WebSocket from 'ws';
import { until } from './until';

/** One job as the test channel sees it. */
export interface ChannelJobView {
  doc: Y.Doc;
  synced: boolean;
  /** The state vector in the server's last sync step 1, decoded. */
  serverState?: Map<number, number>;
  outpost: DecodedMessage[];
}

/** A test device channel. */
export class ChannelClient {
  readonly jobs = new Map<string, ChannelJobView>();
  /** Messages addressed to the channel itself (channelReady, jobClosed, pushes, errors). */
  readonly control: DecodedMessage[] = [];
  /** Every frame received, in order, as [jobId, first byte of the message]. */
  readonly frames: [string, number][] = [];
  closeCode: number | null = null;
  /** Whether the server's sync step 1 is answered with a step 2 (a content message). */
  answersStep1 = true;
  private constructor(readonly ws: WebSocket) {}

  /** Connects to `/device` (protocol version `v`, default the current one; `shard` as the client's `channelPerShard` sends it) and waits for it to open. */
  static async connect(httpUrl: string, token: string | null, v: number | null = PROTOCOL_VERSION, shard?: string): Promise<ChannelClient> {
    const q = new URLSearchParams();
    if (shard !== undefined) q.set('shard', shard);
    if (token !== null) q.set('token', token);
    if (v !== null) q.set('v', String(v));
    const ws = new WebSocket(`${httpUrl.replace(/^http/, 'ws')}/device?${q}`);
    ws.binaryType = 'nodebuffer';
    const client = new ChannelClient(ws);
    ws.on('message', (data: Buffer) => client.onFrame(new Uint8Array(data)));
    ws.on('close', (code) => (client.closeCode = code));
    ws.on('error', () => undefined);
    await new Promise<void>((resolve) => {
      ws.once('open', () => resolve());
      ws.once('close', () => resolve());
    });
    return client;
  }

  /** Subscribes to jobs in one frame, with each job's current state vector. */
  subscribe(jobIds: string[]): void {
    for (const id of jobIds) if (!this.jobs.has(id)) this.jobs.set(id, { doc: new Y.Doc(), synced: false, outpost: [] });
    const stateVectors = jobIds.map((id) => Y.encodeStateVector(this.jobs.get(id)!.doc));
    this.sendControl(encodeMessage(subscribe, { jobIds, stateVectors }));
  }

  /**
   * Subscribes to jobs in one frame carrying changes (protocol 4): each job's doc gets its
   * change applied first, and the change goes as that job's content message 1.
   */
  subscribeWithChanges(jobIds: string[], changes: Uint8Array[]): void {
    jobIds.forEach((id, i) => {
      const view = this.jobs.get(id) ?? { doc: new Y.Doc(), synced: false, outpost: [] };
      this.jobs.set(id, view);
      if (changes[i]!.byteLength > 0) Y.applyUpdate(view.doc, changes[i]!, 'carried');
    });
    const stateVectors = jobIds.map((id) => Y.encodeStateVector(this.jobs.get(id)!.doc));
    this.sendControl(encodeMessage(subscribeWithChanges, { jobIds, stateVectors, changes }));
  }

  /** Leaves jobs in one frame. */
  unsubscribe(jobIds: string[]): void {
    this.sendControl(encodeMessage(unsubscribe, { jobIds }));
  }

  /** Sends a message on the channel address. */
  sendControl(message: Uint8Array): void {
    this.ws.send(encodeJobFrame(CHANNEL_ADDRESS, message));
  }

  /** Sends a message addressed to one job. */
  sendTo(jobId: string, message: Uint8Array): void {
    this.ws.send(encodeJobFrame(jobId, message));
  }

  /** Edits a job's doc and sends the update to it. */
  edit(jobId: string, change: (doc: Y.Doc) => void): void {
    const doc = this.jobs.get(jobId)!.doc;
    const before = Y.encodeStateVector(doc);
    change(doc);
    const e = encoding.createEncoder();
    encoding.writeVarUint(e, 0);
    syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc, before));
    this.sendTo(jobId, encoding.toUint8Array(e));
  }

  /** Outpost messages of one job with this name. */
  messages(jobId: string, name: DecodedMessage['name']): DecodedMessage['value'][] {
    return (this.jobs.get(jobId)?.outpost ?? []).filter((m) => m.name === name).map((m) => m.value);
  }

  /** The close code the server gave a job (jobClosed), if any. */
  closedJob(jobId: string): number | null {
    const m = this.control.find((c) => c.name === 'jobClosed' && c.value.jobId === jobId);
    return m ? (m.value as { code: number }).code : null;
  }

  /** Highest durable ack of one job. */
  ackedUpTo(jobId: string): number {
    return Math.max(0, ...this.messages(jobId, 'durableAck').map((v) => (v as { upTo: number }).upTo));
  }

  /** Waits for every listed job to be synced. */
  async synced(jobIds: string[], timeoutMs = 5000): Promise<void> {
    await until(`sync of ${jobIds.join(', ')}`, () => jobIds.every((id) => this.jobs.get(id)?.synced), timeoutMs);
  }

  /** Closes the socket and waits for it. */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const done = new Promise<void>((r) => this.ws.once('close', () => r()));
    this.ws.close();
    await done;
  }

  private onFrame(frame: Uint8Array): void {
    const { jobId, message } = readJobFrame(frame);
    this.frames.push([jobId, message[0] ?? -1]);
    if (jobId === CHANNEL_ADDRESS) return void this.control.push(decodeOutpostMessage(message));
    const job = this.jobs.get(jobId);
    if (!job) return;
    const d = decoding.createDecoder(message);
    const type = decoding.readVarUint(d);
    if (type === 0) {
      const syncType = decoding.readVarUint(d);
      const payload = decoding.readVarUint8Array(d);
      if (syncType === 0) {
        job.serverState = Y.decodeStateVector(payload);
        if (!this.answersStep1) return;
        const e = encoding.createEncoder();
        encoding.writeVarUint(e, 0);
        syncProtocol.writeSyncStep2(e, job.doc, payload);
        this.sendTo(jobId, encoding.toUint8Array(e));
      } else {
        Y.applyUpdate(job.doc, payload, 'server');
        if (syncType === 1) job.synced = true;
      }
    } else if (type >= 100) {
      job.outpost.push(decodeOutpostMessage(message));
    }
  }
}
