/**
 * Composition: store + bus + relay + op service + HTTP app on one Node HTTP server, with
 * the relay on its upgrade event. `startServer` is what the CLI and in-process tests use.
 */
import { createAdaptorServer } from '@hono/node-server';
import { DEVICE_CHANNEL_PATH } from '@outpost/shared';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import type { LoginLimits } from './auth/login-throttle';
import { checkedSecret, readOrCreateSecret } from './auth/secret';
import { LocalBus, type Bus } from './bus/bus';
import { HandoverService } from './handover/service';
import { ReferenceData } from './reference/reference-data';
import { buildApi } from './http/api';
import { ServerMetrics } from './metrics/metrics';
import { OpService } from './ops/service';
import { DEFAULT_LIMITS, type RelayContext, type RelayLimits } from './relay/context';
import { FirstSyncs } from './relay/first-syncs';
import { GroupCommitter } from './relay/group-commit';
import { KeepAlive } from './relay/keep-alive';
import { Relay } from './relay/relay';
import { seedDemo } from './seed/demo';
import { prepareDataDir } from './store/sqlite/data-files';
import { SqliteStore } from './store/sqlite/sqlite-store';
import { LeftoverLogs } from './store/leftover-logs';
import type { Durability, Store } from './store/store';
import { Hooks } from './hooks/hooks';
import type { ServerHooks } from './hooks/server-hooks';

/** Options of `startServer`. */
export interface ServerOptions {
  /** Directory for the SQLite file and the generated secret (created if missing). */
  dataDir: string;
  /** Port to listen on; 0 picks a free one. Default 8080. */
  port?: number;
  /** Interface to bind. Default 127.0.0.1. */
  host?: string;
  /** `demo` seeds alice, bob, dana and a dozen jobs into an empty store. Default false. */
  seed?: 'demo' | false;
  /** JWT secret; default: read or generate `<dataDir>/secret`. An empty one refuses to start. */
  secret?: string;
  /** Storage; default: SQLite at `<dataDir>/outpost.db`. Closed by `close()` either way. */
  store?: Store;
  /**
   * What a durable ack survives (see `Durability`): `full` (default) or `process`. Applies
   * to the SQLite store opened here; a `store` passed in was opened with its own.
   */
  durability?: Durability;
  /**
   * Bus to other nodes; default: an in-process `LocalBus` of this node alone, over which it
   * then publishes no update or presence of its own (nobody else would receive them). Pass
   * a bus (Redis, or one `LocalBus` shared by several nodes in one process) for more than
   * one node. Closed by `close()`.
   */
  bus?: Bus;
  /** Relay limits (frame size, rate, compaction, idle unload, causal wait). */
  limits?: Partial<RelayLimits>;
  /** Built web app to serve; default apps/field-web/dist of this checkout. */
  webDir?: string;
  /** Token lifetime in seconds (default 12 h). */
  tokenTtlSeconds?: number;
  /** Name of this node on the bus; default a random id. */
  nodeId?: string;
  /** Failed sign-in budgets and the password-check bound (auth/login-throttle.ts). */
  loginLimits?: Partial<LoginLimits>;
  /** Bearer token for `GET /metrics`; without one, metrics are served only on loopback. */
  metricsToken?: string;
  /**
   * How long start-up may spend, before listening, folding the job logs a killed process
   * left behind (store/leftover-logs.ts); the rest are folded in the background. Default 2000.
   */
  leftoverFoldMs?: number;
  /** Extension points: own identity provider, job access rule, reactions to ops and content (hooks/server-hooks.ts). */
  hooks?: ServerHooks;
}

/** A running server. */
export interface RunningServer {
  /** `http://host:port`, no trailing slash. */
  url: string;
  port: number;
  store: Store;
  bus: Bus;
  relay: Relay;
  metrics: ServerMetrics;
  /** Writes customers, equipment and pricebook items and pushes the change to the devices holding them. */
  reference: ReferenceData;
  secret: string;
  /** Graceful stop: flushes pending commits, closes sockets, unloads jobs, closes the store and bus. */
  close(): Promise<void>;
}

/**
 * Connections the kernel completes and holds while the event loop is busy (capped at
 * `net.core.somaxconn`, 4,096 on current Linux). Node's default of 511 overflowed in a
 * reconnect storm: every connect beyond it lost its SYN, and its device waited for TCP's
 * retry a second (then three) later while the server could sit idle (docs/decisions.md).
 */
export const LISTEN_BACKLOG = 4096;

/** Default of `ServerOptions.leftoverFoldMs`. */
const DEFAULT_LEFTOVER_FOLD_MS = 2_000;

/** Finds the job logs a killed process left and folds them for up to `budgetMs`, saying so. */
async function foldLeftoverLogs(store: Store, budgetMs: number): Promise<LeftoverLogs> {
  const start = performance.now();
  const leftovers = await LeftoverLogs.find(store);
  if (leftovers.pending === 0) return leftovers;
  await leftovers.foldFor(budgetMs);
  const ms = Math.round(performance.now() - start);
  const rest = leftovers.pending > 0 ? `; ${leftovers.pending} more in the background` : '';
  console.log(`[outpost] compacted the logs of ${leftovers.folded} job(s) found uncompacted at start-up (a killed process leaves them) in ${ms} ms${rest}`);
  return leftovers;
}

/** Starts the server: HTTP API, relay and web app on one port. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  await prepareDataDir(options.dataDir);
  const secret = options.secret !== undefined ? checkedSecret(options.secret) : await readOrCreateSecret(options.dataDir);
  let relay: Relay | undefined;
  const metrics = new ServerMetrics({ connections: () => relay?.connectionCount ?? 0, loadedDocs: () => relay?.loadedCount ?? 0 });
  const store =
    options.store ??
    new SqliteStore(join(options.dataDir, 'outpost.db'), {
      durability: options.durability ?? 'full',
      checkpointed: (seconds, walFrames) => metrics.observeCheckpoint(seconds, walFrames),
      // No commit is waited for in turn while sockets come in (a reconnect storm): docs/decisions.md.
      mayWaitInTurn: () => !relay?.admitting,
    });
  const bus = options.bus ?? new LocalBus();
  const limits: RelayLimits = { ...DEFAULT_LIMITS, ...options.limits };
  if (options.seed === 'demo') await seedDemo(store);
  const leftovers = await foldLeftoverLogs(store, options.leftoverFoldMs ?? DEFAULT_LEFTOVER_FOLD_MS);
  const hooks = new Hooks(options.hooks ?? {}, secret);

  const committer = new GroupCommitter(
    store,
    {
      committed: (u, seconds) => {
        metrics.observeCommit(seconds);
        relay?.onCommitted(u);
        hooks.contentCommitted(u);
      },
      failed: (u) => relay?.onCommitFailed(u),
    },
    limits.groupCommitMs,
  );
  const ctx: RelayContext = {
    nodeId: options.nodeId ?? randomUUID(),
    store,
    bus,
    committer,
    metrics,
    limits,
    secret,
    hooks,
    firstSyncs: new FirstSyncs(),
    alone: options.bus === undefined,
  };
  relay = new Relay(ctx);
  const ops = new OpService({ store, relay, bus, nodeId: ctx.nodeId, metrics, causalWaitMs: limits.causalWaitMs, hooks });
  const host = options.host ?? '127.0.0.1';
  const handovers = new HandoverService({ store, relay, committer });
  const reference = new ReferenceData(store, relay);
  const api = buildApi({
    reference,
    store,
    relay,
    ops,
    handovers,
    metrics,
    secret,
    hooks,
    webDir: options.webDir,
    tokenTtlSeconds: options.tokenTtlSeconds,
    loginLimits: options.loginLimits,
    metricsAccess: { host, token: options.metricsToken },
    limits,
  });

  const server = createAdaptorServer({ fetch: api.fetch }) as Server;
  // ws's own cap cuts absurd frames without buffering them; frames between the limit and
  // the cap are read and refused with 4413 and an error message.
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes * 4 + 1024 });
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://outpost').pathname === DEVICE_CHANNEL_PATH) {
      return wss.handleUpgrade(req, socket, head, (ws) => void relay.acceptChannel(ws, req));
    }
    const match = /^\/sync\/([^/?#]+)/.exec(req.url ?? '');
    if (!match) return socket.destroy();
    let jobId: string;
    try {
      jobId = decodeURIComponent(match[1]!);
    } catch {
      return socket.destroy();
    }
    wss.handleUpgrade(req, socket, head, (ws) => void relay.accept(ws, req, jobId));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: options.port ?? 8080, host, backlog: LISTEN_BACKLOG }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  leftovers.foldInBackground((jobId) => relay.isLoaded(jobId));
  const keepAlive = new KeepAlive(wss.clients);

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      keepAlive.stop();
      await leftovers.stop();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      await relay.close();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await stopped;
      await bus.close();
      await store.close();
    })());

  return { url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`, port, store, bus, relay, metrics, reference, secret, close };
}
