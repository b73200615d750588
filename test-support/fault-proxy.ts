/**
 * A TCP fault proxy for loopback tests: clients connect to the proxy, the proxy connects to
 * the server, and the test decides what the wire does in between — pass bytes, delay them,
 * stall them, cut a connection in the middle of a frame, or partition (refuse everyone).
 *
 *   const proxy = await FaultProxy.start({ targetPort: server.port });
 *   engine = createOutpost({ serverUrl: proxy.url, … });
 *   proxy.cutAll();        // every open connection dies mid-frame
 *   proxy.partition();     // nobody gets through until proxy.heal()
 *   proxy.upstreamBytesPerSecond = 40_000;  // a slow uplink, shared by every connection
 *   const stop = proxy.flap(6_000, 3_000);  // 6 s of signal, 3 s cut, again and again
 *   proxy.maxClientTurns = 2;  // a client may speak twice per connection; later bytes are held
 *
 * Only node:net; bytes are never altered, only delayed, throttled, held, truncated at a cut, or dropped.
 * The one TCP proxy of the test suites: the fault suite drives it directly, the client
 * harness's `NetworkLink` (a device's network) is a thin face over it.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';

/** Draws cut points and jitter (the fault suite's seeded `Prng` is one). */
export interface ProxyRng {
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** A float in [0, 1). */
  next(): number;
}

/** What the proxy has done so far (for reports and assertions). */
export interface ProxyStats {
  connections: number;
  refused: number;
  cuts: number;
  midFrameCuts: number;
  stalls: number;
  partitions: number;
  bytesForwarded: number;
  /**
   * Client turns, summed over connections: a turn starts whenever a client sends after the
   * proxy delivered something to it (or first sends on a connection), so a strict
   * request/response exchange of n requests is n turns (the websocket upgrade is one).
   */
  clientTurns: number;
}

class Link {
  cutArmed = false;
  closed = false;
  /** Client turns on this connection so far. */
  turns = 0;
  /** Whether the proxy delivered to the client since the client last sent. */
  answered = true;

  constructor(
    readonly client: Socket,
    readonly server: Socket,
    private readonly onClose: (link: Link) => void,
  ) {}

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.destroy();
    this.server.destroy();
    this.onClose(this);
  }
}

/** One direction of a link: chunks are forwarded in order, through the current faults. */
class Pipe {
  private readonly queue: { chunk: Buffer; turn: number }[] = [];
  private pumping = false;

  constructor(
    private readonly proxy: FaultProxy,
    private readonly link: Link,
    private readonly to: Socket,
    private readonly toClient: boolean,
  ) {}

  /** Queues a chunk; `turn` is the client turn it belongs to (0 for the server's chunks). */
  push(chunk: Buffer, turn = 0): void {
    this.queue.push({ chunk, turn });
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && !this.link.closed) {
        await this.proxy.waitWhileStalled();
        await this.proxy.waitForTurn(this.queue[0]!.turn);
        if (this.proxy.delayMs > 0) await sleep(this.proxy.jitteredDelay());
        if (this.link.closed) return;
        const next = this.queue.shift()!;
        let chunk = next.chunk;
        if (this.toClient && this.proxy.dropReplies) continue;
        if (!this.toClient && this.proxy.upstreamBytesPerSecond > 0 && chunk.length > 0) {
          // A slow uplink: bytes leave in small slices at the link's rate, shared by every connection.
          const slice = chunk.subarray(0, THROTTLE_SLICE);
          if (chunk.length > THROTTLE_SLICE) this.queue.unshift({ chunk: chunk.subarray(THROTTLE_SLICE), turn: next.turn });
          await sleep(this.proxy.upstreamTurn(slice.length));
          if (this.link.closed) return;
          chunk = slice;
        }
        if (this.link.cutArmed) {
          // Part of a frame goes through, then the line dies: the receiver sees a torn frame.
          const keep = chunk.length > 1 ? this.proxy.cutPoint(chunk.length) : 0;
          if (keep > 0) this.to.write(chunk.subarray(0, keep));
          this.proxy.stats.midFrameCuts++;
          this.to.end();
          setImmediate(() => this.link.destroy());
          return;
        }
        this.proxy.stats.bytesForwarded += chunk.length;
        this.to.write(chunk);
        if (this.toClient) this.link.answered = true;
      }
    } finally {
      this.pumping = false;
    }
  }
}

/** Bytes a throttled uplink sends at a time. */
const THROTTLE_SLICE = 4096;

function signal(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((resolve) => (release = resolve));
  return { promise, release };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Options for `FaultProxy.start`. */
export interface FaultProxyOptions {
  targetPort: number;
  targetHost?: string;
  /** Draws cut points and delay jitter; without it cuts happen at the middle of a chunk. */
  rng?: ProxyRng;
}

/** See the module comment. */
export class FaultProxy {
  readonly stats: ProxyStats = { connections: 0, refused: 0, cuts: 0, midFrameCuts: 0, stalls: 0, partitions: 0, bytesForwarded: 0, clientTurns: 0 };
  /** Added to every forwarded chunk (both directions), in ms. */
  delayMs = 0;
  /**
   * Requests reach the server but every byte of its answers is dropped: the server acts,
   * the device never hears (a response lost in a cut).
   */
  dropReplies = false;
  /** Upstream (device → server) rate shared by every connection, bytes/s; 0 for no limit. */
  upstreamBytesPerSecond = 0;
  private upstreamFreeAt = 0;
  private readonly links = new Set<Link>();
  private partitioned = false;
  private stalled: { promise: Promise<void>; release: () => void } | null = null;
  private turnLimit = 0;
  private turnLimitChanged: { promise: Promise<void>; release: () => void } = signal();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    private readonly options: FaultProxyOptions,
  ) {}

  /** Starts a proxy on 127.0.0.1 (a free port) forwarding to `targetPort`. */
  static async start(options: FaultProxyOptions): Promise<FaultProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    const proxy = new FaultProxy(server, address.port, options);
    server.on('connection', (socket) => proxy.accept(socket));
    return proxy;
  }

  /** `http://127.0.0.1:<port>`: give this to clients instead of the server's URL. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Number of connections currently open through the proxy. */
  get openConnections(): number {
    return this.links.size;
  }

  private accept(client: Socket): void {
    if (this.partitioned) {
      this.stats.refused++;
      client.destroy();
      return;
    }
    this.stats.connections++;
    client.pause();
    const upstream = connect({ host: this.options.targetHost ?? '127.0.0.1', port: this.options.targetPort });
    const link = new Link(client, upstream, (l) => this.links.delete(l));
    this.links.add(link);
    const toServer = new Pipe(this, link, upstream, false);
    const toClient = new Pipe(this, link, client, true);
    upstream.once('connect', () => client.resume());
    client.on('data', (chunk: Buffer) => {
      if (link.answered) {
        link.turns++;
        this.stats.clientTurns++;
      }
      link.answered = false;
      toServer.push(chunk, link.turns);
    });
    upstream.on('data', (chunk: Buffer) => toClient.push(chunk));
    for (const s of [client, upstream]) {
      s.on('error', () => link.destroy());
      s.on('close', () => link.destroy());
    }
  }

  /** Where a torn frame is cut: somewhere strictly inside the chunk. */
  cutPoint(length: number): number {
    return this.options.rng ? this.options.rng.int(1, length - 1) : Math.floor(length / 2);
  }

  /** The configured delay with up to ±50 % jitter. */
  jitteredDelay(): number {
    if (!this.options.rng) return this.delayMs;
    return Math.max(0, Math.round(this.delayMs * (0.5 + this.options.rng.next())));
  }

  /** Ms to wait before `bytes` more may go upstream, booking the link's time for them. */
  upstreamTurn(bytes: number): number {
    const now = Date.now();
    this.upstreamFreeAt = Math.max(now, this.upstreamFreeAt) + (bytes * 1000) / this.upstreamBytesPerSecond;
    return this.upstreamFreeAt - now;
  }

  /**
   * Cuts the link on a cycle: `upMs` of signal, then every connection dropped and new ones
   * refused for `downMs`, again and again until the returned function is called.
   */
  flap(upMs: number, downMs: number): () => void {
    let timer: NodeJS.Timeout;
    const up = () => {
      this.heal();
      timer = setTimeout(down, upMs);
    };
    const down = () => {
      this.partition();
      timer = setTimeout(up, downMs);
    };
    timer = setTimeout(down, upMs);
    return () => {
      clearTimeout(timer);
      this.heal();
    };
  }

  /**
   * Client turns each connection may take; bytes of a later turn are held (in order, the
   * connection stays open) until the limit is raised or set back to 0 (no limit). A test
   * proving an exchange needs at most n turns sets n: with fewer it cannot complete.
   */
  get maxClientTurns(): number {
    return this.turnLimit;
  }

  set maxClientTurns(n: number) {
    this.turnLimit = n;
    const changed = this.turnLimitChanged;
    this.turnLimitChanged = signal();
    changed.release();
  }

  /** Resolves once bytes of client turn `turn` may go (0: a server chunk, never held). */
  async waitForTurn(turn: number): Promise<void> {
    while (turn > 0 && this.turnLimit > 0 && turn > this.turnLimit) await this.turnLimitChanged.promise;
  }

  /** Resolves when the proxy is not stalled. */
  async waitWhileStalled(): Promise<void> {
    while (this.stalled) await this.stalled.promise;
  }

  /**
   * Cuts every open connection: the next chunk on each is torn part-way (a frame split
   * mid-way), then both ends are destroyed. A connection with no traffic for `graceMs`
   * is destroyed outright.
   */
  cutAll(graceMs = 200): void {
    for (const link of [...this.links]) {
      this.stats.cuts++;
      link.cutArmed = true;
      setTimeout(() => link.destroy(), graceMs).unref();
    }
  }

  /** Holds every byte in both directions until `resume()`; connections stay open. */
  stall(): void {
    if (this.stalled) return;
    this.stats.stalls++;
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.stalled = { promise, release };
  }

  /** Lets held bytes flow again, in order. */
  resume(): void {
    const s = this.stalled;
    this.stalled = null;
    s?.release();
  }

  /** Drops every open connection and refuses new ones until `heal()`. */
  partition(): void {
    if (!this.partitioned) this.stats.partitions++;
    this.partitioned = true;
    for (const link of [...this.links]) link.destroy();
  }

  /** Accepts connections again after a partition. */
  heal(): void {
    this.partitioned = false;
  }

  /** True while partitioned. */
  get isPartitioned(): boolean {
    return this.partitioned;
  }

  /** Back to a clean wire: no delay, no stall, no partition. */
  clearFaults(): void {
    this.delayMs = 0;
    this.upstreamBytesPerSecond = 0;
    this.dropReplies = false;
    this.maxClientTurns = 0;
    this.resume();
    this.heal();
  }

  /** Closes the proxy and every connection through it. */
  async close(): Promise<void> {
    this.resume();
    this.maxClientTurns = 0;
    for (const link of [...this.links]) link.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
