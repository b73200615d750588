/**
 * A device channel client for the load generator: one socket on Outpost's `/device`, every
 * job subscribed in one frame with its state vector and its unacked changes
 * (`subscribeWithChanges`, content message 1 of each job), each job's server step 1
 * answered with the device's step 2, durable acks counted per job — what
 * `@outpost/client`'s `DeviceChannel` puts on the wire, without the engine's storage around it.
 */
import { CHANNEL_ADDRESS, decodeOutpostMessage, encodeJobFrame, encodeMessage, PROTOCOL_VERSION, readJobFrame, subscribe, subscribeWithChanges } from '@outpost/shared';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import * as Y from 'yjs';

interface ChannelJob {
  doc: Y.Doc;
  synced: boolean;
  /** Content messages sent (the carried changes are message 1). */
  sent: number;
  acked: number;
}

/** One device channel carrying many jobs. */
export class ChannelLoadClient {
  private readonly jobs = new Map<string, ChannelJob>();
  private readonly ws: WebSocket;
  private readonly ready: Promise<void>;
  errors: string[] = [];
  /** What a job's durable ack must cover to be in sync (see `settled`). */
  private mustAck: 1 | 'all' = 1;

  /** The TCP socket under `ws`, corked while a tick's frames gather (`send`). */
  private socket: Socket | null = null;
  private corked = false;
  /**
   * When the reconnect's milestones happened (`performance.now()`), and the time spent
   * handling job frames (applying answers, replying): where the time goes (probe-many-jobs.ts).
   */
  readonly marks = { open: 0, ready: 0, subscribed: 0, firstAnswer: 0, lastSynced: 0, lastAcked: 0, handlingMs: 0 };

  constructor(port: number, token: string) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/device?token=${encodeURIComponent(token)}&v=${PROTOCOL_VERSION}`);
    this.ws.binaryType = 'nodebuffer';
    this.ws.on('upgrade', (res) => (this.socket = res.socket));
    this.ws.on('open', () => (this.marks.open = performance.now()));
    this.ws.on('error', (err) => this.errors.push(String(err)));
    this.ready = new Promise((resolve, reject) => {
      this.ws.on('message', (data: Buffer) => {
        const { jobId, message } = readJobFrame(new Uint8Array(data));
        if (jobId === CHANNEL_ADDRESS) {
          const msg = decodeOutpostMessage(message);
          if (msg.name === 'channelReady') {
            this.marks.ready = performance.now();
            resolve();
          } else if (msg.name === 'jobClosed' || msg.name === 'error') this.errors.push(JSON.stringify(msg.value));
          return;
        }
        const h0 = performance.now();
        this.onJobMessage(jobId, message);
        this.marks.handlingMs += performance.now() - h0;
      });
      this.ws.on('close', (code) => reject(new Error(`channel closed ${code}`)));
    });
  }

  /**
   * Subscribes every job in one frame, each with its doc's state vector (its sync step 1)
   * and `changes[i]`, the device's unacked changes on it (everything the device made
   * offline). `changes` null: protocol 2's `subscribe`, the changes go in each job's step 2
   * answering the server's step 1 (one more round trip).
   */
  async subscribeAll(docs: Y.Doc[], changes: Uint8Array[] | null): Promise<void> {
    await this.ready;
    for (const doc of docs) this.jobs.set(doc.guid, { doc, synced: false, sent: changes ? 1 : 0, acked: 0 });
    this.mustAck = changes ? 1 : 'all';
    const jobIds = docs.map((d) => d.guid);
    const stateVectors = docs.map((d) => Y.encodeStateVector(d));
    const message = changes ? encodeMessage(subscribeWithChanges, { jobIds, stateVectors, changes }) : encodeMessage(subscribe, { jobIds, stateVectors });
    this.send(encodeJobFrame(CHANNEL_ADDRESS, message));
    this.marks.subscribed = performance.now();
  }

  /**
   * Sends a frame; the frames of one tick (the step 2s answering a burst of the server's
   * step 1s) leave in one write, as a browser's network thread sends what a task queued:
   * the same frames and bytes, without a system call each.
   */
  private send(frame: Uint8Array): void {
    const socket = this.socket;
    if (socket && !this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(() => {
        this.corked = false;
        socket.uncork();
      });
    }
    this.ws.send(frame);
  }

  /**
   * Resolves once every job has the server's state and a durable ack for what holds the
   * device's changes: the changes it carried (message 1; the step 2 answering the server's
   * step 1 then only confirms the server lacks nothing else, and is not waited for), or
   * without carried changes that step 2.
   */
  async settled(timeoutMs: number): Promise<void> {
    const end = Date.now() + timeoutMs;
    const owed = (j: ChannelJob) => (this.mustAck === 'all' ? Math.max(1, j.sent) : 1);
    const done = () => [...this.jobs.values()].every((j) => j.synced && j.acked >= owed(j));
    while (!done()) {
      if (Date.now() > end || this.errors.length > 0) throw new Error(`channel not settled: ${this.errors.slice(0, 3).join('; ')}`);
      await new Promise((r) => setTimeout(r, 1));
    }
  }

  /**
   * Closes the socket and waits for the close to finish, at most 2 s (as SyncClient): behind
   * a proxy that holds the client's later turns the server never sees the close frame, and
   * `ws` would wait 30 s for the closing handshake.
   */
  async close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    const done = new Promise<void>((r) => this.ws.once('close', () => r()));
    this.ws.close();
    await Promise.race([done, new Promise((r) => setTimeout(r, 2000))]);
    if ((this.ws.readyState as number) !== WebSocket.CLOSED) this.ws.terminate();
  }

  private onJobMessage(jobId: string, message: Uint8Array): void {
    const job = this.jobs.get(jobId);
    if (!job) return;
    if (!this.marks.firstAnswer) this.marks.firstAnswer = performance.now();
    const d = decoding.createDecoder(message);
    const type = decoding.readVarUint(d);
    if (type === 0) {
      const reply = encoding.createEncoder();
      encoding.writeVarUint(reply, 0);
      const syncType = syncProtocol.readSyncMessage(d, reply, job.doc, 'server');
      if (syncType === syncProtocol.messageYjsSyncStep1) {
        this.send(encodeJobFrame(jobId, encoding.toUint8Array(reply)));
        job.sent++;
      } else if (syncType === syncProtocol.messageYjsSyncStep2) {
        job.synced = true;
        this.marks.lastSynced = performance.now();
      }
    } else if (type >= 100) {
      const msg = decodeOutpostMessage(message);
      if (msg.name === 'durableAck') {
        job.acked = Math.max(job.acked, msg.value.upTo);
        this.marks.lastAcked = performance.now();
      } else if (msg.name === 'error') this.errors.push(`${jobId}: ${msg.value.code} ${msg.value.message}`);
    }
  }
}
