/**
 * A cluster of real `outpost-server` processes on loopback sharing one Postgres schema and
 * one Redis channel prefix, for the multi-node test. Each node runs the CLI exactly as an
 * operator would (`outpost-server --port 0`, run from source), configured by environment only.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testRedisUrl } from '../../../../test-support/requirements';
import { launchServer } from '../../../../test-support/server-process';
const START_TIMEOUT_MS = 45_000;

/** One running node. */
export interface ClusterNode {
  url: string;
  child: ChildProcess;
  /** Output so far, for failure messages. */
  log(): string;
}

/** Where the nodes keep their shared state. */
export interface ClusterConfig {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  secret: string;
}

/** Starts, kills and stops nodes of one cluster. */
export class Cluster {
  readonly nodes: ClusterNode[] = [];
  private readonly dirs: string[] = [];

  constructor(private readonly config: ClusterConfig) {}

  /** A cluster on a test database, the test Redis under a fresh key prefix, and a fresh secret. */
  static onTestServices(databaseUrl: string): Cluster {
    return new Cluster({
      databaseUrl,
      redisUrl: testRedisUrl,
      redisPrefix: `outpost_test_${randomBytes(6).toString('hex')}`,
      secret: randomBytes(32).toString('base64url'),
    });
  }

  /** Starts one node; resolves with its URL once it listens. `seed` seeds the demo into the empty database; `port` 0 lets the system pick. */
  async start(seed = false, port = 0): Promise<ClusterNode> {
    const dataDir = await mkdtemp(join(tmpdir(), 'outpost-node-'));
    this.dirs.push(dataDir);
    // A node that fails to listen is killed by launchServer, so nothing is left to stop.
    const launched = await launchServer({
      args: ['--port', String(port), '--data', dataDir, ...(seed ? ['--seed', 'demo'] : [])],
      env: {
        OUTPOST_DATABASE_URL: this.config.databaseUrl,
        OUTPOST_REDIS_URL: this.config.redisUrl,
        OUTPOST_REDIS_PREFIX: this.config.redisPrefix,
        OUTPOST_SECRET: this.config.secret,
      },
      timeoutMs: START_TIMEOUT_MS,
    });
    const node: ClusterNode = { url: launched.url, child: launched.child, log: launched.output };
    this.nodes.push(node);
    return node;
  }

  /** Kills a node the hard way (no flush, no goodbye), as a crash or a pulled plug would. */
  async kill(node: ClusterNode): Promise<void> {
    if (node.child.exitCode !== null || node.child.signalCode !== null) return;
    const exited = new Promise((r) => node.child.once('exit', r));
    node.child.kill('SIGKILL');
    await exited;
  }

  /** Stops every node gracefully (SIGTERM, then SIGKILL after a grace period) and removes data dirs. */
  async stop(): Promise<void> {
    await Promise.all(
      this.nodes.map(async (node) => {
        if (node.child.exitCode !== null || node.child.signalCode !== null) return;
        const exited = new Promise((r) => node.child.once('exit', r));
        node.child.kill('SIGTERM');
        const timer = setTimeout(() => node.child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await Promise.all(this.dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
}
