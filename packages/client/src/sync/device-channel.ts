/**
 * The device channel: one websocket (`/device`) for every job the device holds. Each job's
 * `JobConnection` gets a link that frames its messages with the job id; the channel
 * batches the jobs that open together into one subscribe frame carrying their sync step
 * 1 and (protocol 4, `subscribeWithChanges`) their unacked changes, so 200 jobs
 * reconnecting cost one frame and one round trip after the socket opens, not 200 sockets
 * and a step 2 each; and it routes the server's frames back by job id. The channel owns the socket and its
 * reconnect backoff; a job link only says "I want to be on it".
 *
 * Pushes addressed to the channel itself (job notices, reference changes) go to
 * `onPush` listeners.
 */
import {
  CHANGES_IN_SUBSCRIBE_VERSION,
  CHANNEL_ADDRESS,
  closeAction,
  DEVICE_CLOSE_CODES,
  decodeOutpostMessage,
  encodeJobFrame,
  encodeMessage,
  isOutpostMessageType,
  readJobFrame,
  subscribe,
  subscribeWithChanges,
  unsubscribe,
  Y_MESSAGE,
  type DecodedMessage,
} from '@outpost/shared';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { backoffDelay, RECONNECT_BACKOFF, type BackoffPolicy } from './backoff';
import { CONNECT_TIMEOUT_MS, type JobLink, type JobLinks, type LinkEvents, type WebSocketLike } from './job-link';

/** Closes after which reconnecting the channel is pointless until something changes (sign in, update the app). */
function isTerminal(code: number): boolean {
  const action = closeAction(code);
  return action === 'sign_in' || action === 'update';
}
/** The `jobClosed` code answering the device's own unsubscribe. */
const UNSUBSCRIBED = 1000;
/** How long the socket stays open with no job on it (jobs close and reopen in bursts). */
const IDLE_CLOSE_MS = 5_000;
/**
 * Carried changes the server has not started on yet, at most, per channel: half of what
 * the server lets wait (its `maxFrameBytes`, 1 MiB by default). Jobs beyond it, and a job
 * whose changes alone exceed `CARRY_PER_JOB_BYTES`, subscribe without them and send them
 * in the step 2 answering the server's step 1 (one more round trip, for those jobs only).
 */
export const CARRY_BUDGET_BYTES = 512 * 1024;
/** The largest change one job carries in its subscribe. */
export const CARRY_PER_JOB_BYTES = 64 * 1024;

/** Options of the device channel. */
export interface DeviceChannelOptions {
  /** The `/device` URL with the token and protocol version, or null when signed out. */
  url: () => string | null;
  WebSocket: WebSocketLike;
  backoff?: BackoffPolicy;
}

/** One job on the channel. */
class ChannelLink implements JobLink {
  open = false;
  subscribed = false;
  ended = false;
  constructor(
    readonly channel: DeviceChannel,
    readonly jobId: string,
    readonly events: LinkEvents,
  ) {}

  /** The job's sync step 1 (and changes, when they fit) ride in the (batched) subscribe frame. */
  sendOpening(step1: Uint8Array, changes: Uint8Array | null): boolean {
    if (!this.open || this.subscribed) return false;
    this.subscribed = true;
    return this.channel.subscribeWith(this, stateVectorOf(step1), changes);
  }

  send(bytes: Uint8Array): void {
    if (!this.open || !this.subscribed) return;
    this.channel.sendFrame(encodeJobFrame(this.jobId, bytes));
  }

  close(dead = false): void {
    if (this.ended) return;
    this.channel.leave(this, dead);
  }

  /** Ends the link and tells its job (after the call that ended it returns). */
  end(code: number, reason: string, channelLost: boolean): void {
    if (this.ended) return;
    this.ended = true;
    this.open = false;
    queueMicrotask(() => this.events.closed(code, reason, channelLost));
  }
}

/** One socket for all of a device's jobs. */
export class DeviceChannel implements JobLinks {
  private ws: WebSocket | null = null;
  private ready = false;
  private readonly links = new Map<string, ChannelLink>();
  /**
   * Per job, unsubscribes not yet answered (jobClosed 1000). Until the answer, frames for
   * the job belong to the old membership — its durable acks count another membership's
   * messages — and are dropped.
   */
  private readonly leaving = new Map<string, number>();
  /** Jobs to subscribe in the next frame (changes: empty for none), and frames that must follow it. */
  private subscribing: { jobIds: string[]; stateVectors: Uint8Array[]; changes: Uint8Array[] } | null = null;
  /** Bytes of changes carried per job until the job's first answer shows the server took them up. */
  private readonly carrying = new Map<string, number>();
  private carryingBytes = 0;
  /** The server's protocol version (from `channelReady`). */
  private serverVersion = 0;
  private unsubscribing: string[] = [];
  private outgoing: Uint8Array[] = [];
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly pushListeners = new Set<(msg: DecodedMessage) => void>();
  private readonly openListeners = new Set<() => void>();
  /** Kept open with no job on it, for pushes (while signed in). */
  private held = false;

  constructor(private readonly options: DeviceChannelOptions) {}

  /** True while the socket is open and let in. */
  get isOpen(): boolean {
    return this.ready;
  }

  /** Listens to pushes addressed to the channel (job notices, reference changes); returns the unsubscribe. */
  onPush(listener: (msg: DecodedMessage) => void): () => void {
    this.pushListeners.add(listener);
    return () => this.pushListeners.delete(listener);
  }

  /** Called each time the channel (re)opens: after a reconnect, lists are read again in full. */
  onOpen(listener: () => void): () => void {
    this.openListeners.add(listener);
    return () => this.openListeners.delete(listener);
  }

  connect(jobId: string, events: LinkEvents): JobLink | null {
    if (!this.options.url()) return null;
    const old = this.links.get(jobId);
    if (old) this.leave(old, false);
    const link = new ChannelLink(this, jobId, events);
    this.links.set(jobId, link);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.ready) queueMicrotask(() => this.opened(link));
    else this.ensureSocket();
    return link;
  }

  /**
   * Keeps the socket open (and reconnecting) even with no job on it, so pushes (job
   * assigned, new jobs) reach the device's lists: on while signed in.
   */
  hold(on: boolean): void {
    this.held = on;
    if (on) this.ensureSocket();
    else if (this.links.size === 0) this.close();
  }

  /** Closes the socket (new token, sign-out, offline): every job is told and asks again. */
  reset(): void {
    if (this.ws) this.ws.close();
    this.lost(1000, 'channel reset');
    // Deliberate, not a failure: the jobs asking again get a new socket at once.
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  /** Closes the socket and forgets every job (engine destroyed, or nothing left to carry). */
  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.retryTimer = this.idleTimer = null;
    this.links.clear();
    this.ws?.close();
    this.ws = null;
    this.ready = false;
    this.carrying.clear();
    this.carryingBytes = 0;
  }

  /**
   * Queues a job's subscription; every job subscribing in the same turn shares one frame.
   * True when its `changes` go with it (the server reads them, and they fit the budget).
   */
  subscribeWith(link: ChannelLink, stateVector: Uint8Array, changes: Uint8Array | null): boolean {
    if (!this.subscribing) {
      this.subscribing = { jobIds: [], stateVectors: [], changes: [] };
      queueMicrotask(() => this.flush());
    }
    const carry =
      changes !== null &&
      changes.byteLength > 0 &&
      this.serverVersion >= CHANGES_IN_SUBSCRIBE_VERSION &&
      changes.byteLength <= CARRY_PER_JOB_BYTES &&
      this.carryingBytes + changes.byteLength <= CARRY_BUDGET_BYTES;
    this.subscribing.jobIds.push(link.jobId);
    this.subscribing.stateVectors.push(stateVector);
    this.subscribing.changes.push(carry ? changes : NO_CHANGES);
    if (carry) this.carried(link.jobId, changes.byteLength);
    return carry;
  }

  /** Sends a job frame, after any subscribe still being gathered (order per job is kept). */
  sendFrame(frame: Uint8Array): void {
    if (this.subscribing || this.unsubscribing.length > 0) this.outgoing.push(frame);
    else this.ws?.send(frame);
  }

  /** A job leaves the channel (closed on the device, or given up on). */
  leave(link: ChannelLink, dead: boolean): void {
    if (this.links.get(link.jobId) === link) {
      this.links.delete(link.jobId);
      const queued = this.subscribing?.jobIds.indexOf(link.jobId) ?? -1;
      if (queued >= 0) {
        // Its subscribe has not gone out yet: take it back instead of unsubscribing.
        this.subscribing!.jobIds.splice(queued, 1);
        this.subscribing!.stateVectors.splice(queued, 1);
        this.subscribing!.changes.splice(queued, 1);
        this.carried(link.jobId, 0);
        this.outgoing = this.outgoing.filter((frame) => readJobFrame(frame).jobId !== link.jobId);
      } else if (link.subscribed && this.ready) {
        if (this.unsubscribing.length === 0 && !this.subscribing) queueMicrotask(() => this.flush());
        this.unsubscribing.push(link.jobId);
        this.leaving.set(link.jobId, (this.leaving.get(link.jobId) ?? 0) + 1);
      }
    }
    link.end(1000, 'closed by the device', false);
    // No answer in time on a socket that looks open: the socket itself is dead, for every job.
    if (dead && this.ws) this.reset();
    if (this.links.size === 0 && !this.idleTimer && !this.held) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        if (this.links.size === 0 && !this.held) this.close();
      }, IDLE_CLOSE_MS);
    }
  }

  private flush(): void {
    if (!this.ws || !this.ready) return;
    // Unsubscribes first: a job closed and opened again in one turn must end up subscribed.
    if (this.unsubscribing.length > 0) this.sendControl(encodeMessage(unsubscribe, { jobIds: this.unsubscribing.splice(0) }));
    const batch = this.subscribing;
    if (batch && batch.jobIds.length > 0) {
      // A server older than protocol 4 was never given changes (see `subscribeWith`).
      if (this.serverVersion >= CHANGES_IN_SUBSCRIBE_VERSION) this.sendControl(encodeMessage(subscribeWithChanges, batch));
      else this.sendControl(encodeMessage(subscribe, { jobIds: batch.jobIds, stateVectors: batch.stateVectors }));
    }
    this.subscribing = null;
    for (const frame of this.outgoing.splice(0)) this.ws.send(frame);
  }

  private sendControl(message: Uint8Array): void {
    this.ws?.send(encodeJobFrame(CHANNEL_ADDRESS, message));
  }

  private ensureSocket(): void {
    if (this.ws || this.retryTimer) return;
    const url = this.options.url();
    if (!url) return this.lost(1000, 'signed out');
    let ws: WebSocket;
    try {
      ws = new this.options.WebSocket(url);
    } catch {
      return this.scheduleRetry();
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    const connectTimer = setTimeout(() => ws.readyState !== 1 && ws.close(), CONNECT_TIMEOUT_MS);
    ws.onmessage = (event: MessageEvent) => {
      if (this.ws !== ws) return;
      try {
        this.receive(new Uint8Array(event.data as ArrayBuffer));
      } catch {
        // A frame we cannot read: start over on a fresh socket rather than drift out of sync.
        ws.close();
        this.lost(DEVICE_CLOSE_CODES.unreadableMessage, 'unreadable frame from the server');
      }
    };
    ws.onerror = () => undefined;
    ws.onclose = (event: CloseEvent) => {
      clearTimeout(connectTimer);
      if (this.ws === ws) this.lost(event.code, event.reason);
    };
  }

  private receive(frame: Uint8Array): void {
    const { jobId, message } = readJobFrame(frame);
    if (jobId !== CHANNEL_ADDRESS) {
      if (this.leaving.has(jobId)) return; // the old membership's, still in flight
      this.carried(jobId, 0); // the server joined the job: its carried changes no longer wait
      return this.links.get(jobId)?.events.message(message);
    }
    // A message from a newer protocol than this device's: a server only sends one by mistake; skip it.
    if (!isOutpostMessageType(decoding.readVarUint(decoding.createDecoder(message)))) return;
    const msg = decodeOutpostMessage(message);
    if (msg.name === 'channelReady') return this.letIn(msg.value.protocolVersion);
    if (msg.name === 'jobClosed') {
      this.carried(msg.value.jobId, 0);
      const pending = this.leaving.get(msg.value.jobId);
      if (pending !== undefined) {
        // The old membership's end (our unsubscribe answered, or a refusal that crossed it).
        if (msg.value.code !== UNSUBSCRIBED) return;
        if (pending > 1) this.leaving.set(msg.value.jobId, pending - 1);
        else this.leaving.delete(msg.value.jobId);
        return;
      }
      const link = this.links.get(msg.value.jobId);
      if (!link) return;
      this.links.delete(msg.value.jobId);
      return link.end(msg.value.code, msg.value.reason, false);
    }
    if (msg.name === 'error') {
      // The channel's own refusal (token, version): every job learns its code from the close.
      for (const link of this.links.values()) link.events.message(message);
      return;
    }
    for (const listener of this.pushListeners) listener(msg);
  }

  /** Counts (bytes > 0) or forgets (0) a job's changes waiting on the server. */
  private carried(jobId: string, bytes: number): void {
    this.carryingBytes += bytes - (this.carrying.get(jobId) ?? 0);
    if (bytes > 0) this.carrying.set(jobId, bytes);
    else this.carrying.delete(jobId);
  }

  private letIn(serverVersion: number): void {
    this.serverVersion = serverVersion;
    this.ready = true;
    this.attempt = 0;
    for (const link of this.links.values()) this.opened(link);
    for (const listener of this.openListeners) listener();
  }

  private opened(link: ChannelLink): void {
    if (this.links.get(link.jobId) !== link || link.open || link.ended) return;
    link.open = true;
    link.events.opened();
  }

  /** The socket is gone: every job is told (and asks again at once); the channel retries with backoff. */
  private lost(code: number, reason: string): void {
    this.ws = null;
    this.ready = false;
    this.subscribing = null;
    this.unsubscribing = [];
    this.leaving.clear();
    this.carrying.clear();
    this.carryingBytes = 0;
    this.outgoing = [];
    const links = [...this.links.values()];
    this.links.clear();
    // Only the channel's sign-in and update closes concern each job; any other loss of the
    // socket (a refusal of the channel itself included) is a lost connection to every job.
    const terminal = isTerminal(code);
    for (const link of links) link.end(terminal ? code : 1006, terminal ? reason : `channel lost (${code} ${reason})`, !terminal);
    if (!terminal) this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = null;
        // Only jobs that asked again meanwhile, or pushes while signed in, need the socket.
        if (this.links.size > 0 || this.held) this.ensureSocket();
      },
      backoffDelay(this.attempt++, this.options.backoff ?? RECONNECT_BACKOFF),
    );
  }
}

/** A subscribe without changes for a job. */
const NO_CHANGES = new Uint8Array(0);

/** The state vector in a job's sync step 1 message. */
function stateVectorOf(step1: Uint8Array): Uint8Array {
  const d = decoding.createDecoder(step1);
  if (decoding.readVarUint(d) !== Y_MESSAGE.sync || decoding.readVarUint(d) !== syncProtocol.messageYjsSyncStep1) {
    throw new TypeError('A job on the device channel must start with its sync step 1.');
  }
  return decoding.readVarUint8Array(d);
}
