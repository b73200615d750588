/**
 * Test harness: a real Outpost server started in-process on a temp dir, a TCP proxy on
 * loopback that can cut and restore the network for real, and devices (engines) whose
 * storage is fake-indexeddb namespaced by device name.
 */
import 'fake-indexeddb/auto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startServer, type RelayLimits, type RunningServer, type Store } from '@outpost/server';
import { createOutpost, type OutpostEngine, type OutpostOptions, type WebSocketLike } from '@outpost/client';

/**
 * A loopback TCP proxy standing for the device's network. `cut()` drops every connection
 * and refuses new ones (the network is gone); `stall()` keeps connections open but moves
 * no bytes (a half-open link that looks alive); `restore()` brings it back.
 */
export class NetworkLink {
  private server: Server | null = null;
  private readonly pairs = new Set<[Socket, Socket]>();
  private up = true;
  private stalled = false;
  port = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (!this.up) return client.destroy();
      const upstream = connect({ host: '127.0.0.1', port: this.targetPort });
      const pair: [Socket, Socket] = [client, upstream];
      this.pairs.add(pair);
      for (const s of pair) {
        s.on('close', () => {
          this.pairs.delete(pair);
          client.destroy();
          upstream.destroy();
        });
        s.on('error', () => undefined);
      }
      if (!this.stalled) this.flow(pair);
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server!.address() as { port: number }).port;
  }

  private flow([client, upstream]: [Socket, Socket]): void {
    client.pipe(upstream);
    upstream.pipe(client);
  }

  /** Cuts the network: drops every connection and refuses new ones. */
  cut(): void {
    this.up = false;
    for (const [a, b] of this.pairs) {
      a.destroy();
      b.destroy();
    }
  }

  /** Keeps every connection open but stops moving bytes (they wait in buffers). */
  stall(): void {
    this.stalled = true;
    for (const [client, upstream] of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  /** Restores the network. */
  restore(): void {
    this.up = true;
    if (!this.stalled) return;
    this.stalled = false;
    for (const pair of this.pairs) this.flow(pair);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }
}

/** One test's world: a server, links and devices, all cleaned up by `close()`. */
export class World {
  server!: RunningServer;
  dataDir = '';
  /** Device names are scoped to the world: fake-indexeddb is shared by the tests of a file. */
  readonly id = Math.random().toString(36).slice(2, 8);
  private readonly engines = new Set<OutpostEngine>();
  private readonly links = new Set<NetworkLink>();

  static async start(options: { store?: (dataDir: string) => Store; tokenTtlSeconds?: number; limits?: Partial<RelayLimits> } = {}): Promise<World> {
    const w = new World();
    w.dataDir = await mkdtemp(join(tmpdir(), 'outpost-client-'));
    w.server = await startServer({
      dataDir: w.dataDir, port: 0, seed: 'demo', store: options.store?.(w.dataDir), tokenTtlSeconds: options.tokenTtlSeconds, limits: options.limits,
    });
    return w;
  }

  /** A network link of its own for one device. */
  async link(): Promise<NetworkLink> {
    const link = new NetworkLink(this.server.port);
    await link.start();
    this.links.add(link);
    return link;
  }

  /** A device (engine) on a link, signed in as `user` unless already signed in. */
  async device(name: string, link: NetworkLink, user?: string, extra: Partial<OutpostOptions> = {}): Promise<OutpostEngine> {
    const engine = createOutpost({
      serverUrl: link.url,
      deviceName: `${name}@${this.id}`,
      WebSocket: WebSocket as unknown as WebSocketLike,
      idleCloseMs: 500,
      catchUpIntervalMs: 300,
      ...extra,
    });
    this.engines.add(engine);
    await engine.ready;
    if (user && !engine.user) await engine.login(user, 'outpost');
    return engine;
  }

  /** Destroys a device (a "restart" is a new device with the same name afterwards). */
  async stop(engine: OutpostEngine): Promise<void> {
    this.engines.delete(engine);
    await engine.destroy();
  }

  async close(): Promise<void> {
    for (const e of this.engines) await e.destroy();
    for (const l of this.links) await l.close();
    await this.server?.close();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** Polls until `check` returns true; fails after `timeoutMs` with `what`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting until ${what}`);
}
