/**
 * Test harness: a real Outpost server started in-process on a temp dir, a TCP proxy on
 * loopback that can cut and restore the network for real (test-support/fault-proxy.ts), and devices (engines) whose
 * storage is fake-indexeddb namespaced by device name.
 */
import 'fake-indexeddb/auto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startServer, type RelayLimits, type RunningServer, type Store } from '@outpost/server';
import { createOutpost, type OutpostEngine, type OutpostOptions, type WebSocketLike } from '@outpost/client';
import { FaultProxy } from '../../../test-support/fault-proxy';

/**
 * A device's network: the suites' one TCP proxy (test-support/fault-proxy.ts) on loopback.
 * `cut()` drops every connection and refuses new ones (the network is gone); `stall()`
 * keeps connections open but moves no bytes (a half-open link that looks alive);
 * `restore()` brings it back.
 */
export class NetworkLink {
  private constructor(private readonly proxy: FaultProxy) {}

  /** A link to the server on `targetPort`. */
  static async start(targetPort: number): Promise<NetworkLink> {
    return new NetworkLink(await FaultProxy.start({ targetPort }));
  }

  get port(): number {
    return this.proxy.port;
  }

  /** Cuts the network: drops every connection and refuses new ones. */
  cut(): void {
    this.proxy.partition();
  }

  /** Keeps every connection open but stops moving bytes (they wait until `restore()`). */
  stall(): void {
    this.proxy.stall();
  }

  /** Restores the network. */
  restore(): void {
    this.proxy.heal();
    this.proxy.resume();
  }

  /**
   * Lets each connection speak at most `n` times (client turns; 0: no limit): bytes of a
   * later turn wait. An exchange that completes under the limit needs at most n turns.
   */
  limitTurns(n: number): void {
    this.proxy.maxClientTurns = n;
  }

  get url(): string {
    return this.proxy.url;
  }

  close(): Promise<void> {
    return this.proxy.close();
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
      dataDir: w.dataDir,
      port: 0,
      seed: 'demo',
      store: options.store?.(w.dataDir),
      tokenTtlSeconds: options.tokenTtlSeconds,
      limits: options.limits,
    });
    return w;
  }

  /** A network link of its own for one device. */
  async link(): Promise<NetworkLink> {
    const link = await NetworkLink.start(this.server.port);
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

/** Polls until `check` returns true; fails after `timeoutMs` with `what` (test-support/until.ts). */
export { until } from '../../../test-support/until';
