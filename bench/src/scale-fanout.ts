/**
 * Fan-out on 1 node against 2 nodes (issue 8; device channels, issue 15.5):
 * `tsx bench/src/scale-fanout.ts` prints JSON.
 *
 * One cluster per node count (1 and 2) of Outpost node processes started as the CLI does
 * (harness/scale-node.ts, with the relay's abuse guards lifted as for every benchmarked
 * Outpost), each sharing one Postgres schema and one Redis prefix (both fresh per run); each
 * configuration creates J jobs of its own and gives each job C typists. The configurations
 * are measured in interleaved windows (`compare`), the cluster not measured paused.
 * Typists are devices on Outpost's device channel (`/device`), as the client engine
 * connects by default: each device holds JOBS_PER_DEVICE jobs (C devices per group of
 * jobs), placed as a load balancer would: `any-node` puts each device's one channel on a
 * node round-robin (a job's devices sit on different nodes; deliveries cross Redis),
 * `by-job` gives each device a channel per shard of its jobs (`channelPerShard`: the
 * shard is the job id's last character) and routes each shard to one node, as the nginx
 * example's `hash` does (here: the character's code modulo the node count), so every
 * device of a job meets on one node. `SCALE_TRANSPORT=sync` runs the older socket per
 * job on `/sync/:jobId` instead (`by-job` then hashes the job); every typist signs in as
 * alice (the sockets-per-user cap is lifted on these nodes).
 * Every typist sends RATE keystrokes/s (one Yjs update each, durable acks on); latency is
 * send → receipt at every other typist of the job. Server CPU is read from /proc for
 * the node processes (Postgres and Redis are not counted: they serve both configurations).
 *
 * Env: SCALE_JOBS (default 100), SCALE_CLIENTS (4), SCALE_RATE (2), SCALE_SECONDS (3 per
 * window), SCALE_RUNS (5 windows per configuration),
 * OUTPOST_TEST_DATABASE_URL, OUTPOST_TEST_REDIS_URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROTOCOL_VERSION } from '@outpost/shared';
import { openPostgresPool } from '../../packages/server/src/store/postgres/pool';
import { compiledChildren } from './harness/compiled';
import { serverLauncher } from './harness/pinning';
import { processCpuTicks } from './harness/threads';
import { interleaved, round, sleep, summarize, waitFor } from './harness/stats';
import { keystroke, newFieldDevice, type FieldDevice } from './load/field-work';
import { LatencyLog } from './load/latency-log';
import { SyncClient, type JobSession } from './load/sync-client';
import { jobShard } from '../../packages/client/src/sync/channel-shards';

const JOBS = Number(process.env.SCALE_JOBS ?? 100);
const CLIENTS = Number(process.env.SCALE_CLIENTS ?? 4);
const RATE = Number(process.env.SCALE_RATE ?? 2);
const SECONDS = Number(process.env.SCALE_SECONDS ?? 3);
const JOBS_PER_DEVICE = Number(process.env.SCALE_JOBS_PER_DEVICE ?? 25);
const RUNS = Number(process.env.SCALE_RUNS ?? 5);
/** `channel`: device channels (the client's default); `sync`: a socket per job. */
const TRANSPORT: 'channel' | 'sync' = process.env.SCALE_TRANSPORT === 'sync' ? 'sync' : 'channel';
const DATABASE_URL = process.env.OUTPOST_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.OUTPOST_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

interface Node {
  url: string;
  port: number;
  child: ChildProcess;
  dataDir: string;
}

/** The node as the CLI starts it, with the relay's abuse guards lifted (harness/scale-node.ts, compiled). */
async function startNode(env: Record<string, string>, seed: boolean): Promise<Node> {
  const { scaleNode } = await compiledChildren();
  const dataDir = mkdtempSync(join(tmpdir(), 'outpost-scale-'));
  // On the server core when the run is pinned (both nodes share it, as they share Postgres and Redis).
  const launcher = serverLauncher();
  const child = spawn(launcher.execPath, [...launcher.prefix, scaleNode, '--port', '0', '--data', dataDir, ...(seed ? ['--seed', 'demo'] : [])], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolveNode, reject) => {
    const timer = setTimeout(() => reject(new Error(`node did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      resolveNode({ url: match[1]!, port: Number(new URL(match[1]!).port), child, dataDir });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`node exited with ${code}:\n${output}`)));
  });
}

/** CPU seconds (user + system) a process has used, from /proc. */
function cpuSeconds(pid: number): number {
  return processCpuTicks(pid) / 100;
}

async function api<T>(url: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(url + path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

interface Typist {
  client: SyncClient;
  session: JobSession;
  device: FieldDevice;
}

/** How a load balancer places sockets: each client anywhere, or every client of a job on one node. */
type Routing = 'any-node' | 'by-job';

/** Node processes sharing one Postgres schema and one Redis prefix (fresh per run). */
interface Cluster {
  schema: string;
  nodes: Node[];
  dana: string;
  alice: string;
}

async function startCluster(nodeCount: number): Promise<Cluster> {
  const schema = `outpost_bench_${randomBytes(5).toString('hex')}`;
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const env = {
    OUTPOST_DATABASE_URL: url.toString(),
    OUTPOST_REDIS_URL: REDIS_URL,
    OUTPOST_REDIS_PREFIX: schema,
    OUTPOST_SECRET: randomBytes(24).toString('base64url'),
  };
  const cluster: Cluster = { schema, nodes: [], dana: '', alice: '' };
  try {
    cluster.nodes.push(await startNode(env, true));
    for (let i = 1; i < nodeCount; i++) cluster.nodes.push(await startNode(env, false));
    cluster.dana = (await api<{ token: string }>(cluster.nodes[0]!.url, '/api/auth/login', null, { username: 'dana', password: 'outpost' })).token;
    cluster.alice = (await api<{ token: string }>(cluster.nodes[0]!.url, '/api/auth/login', null, { username: 'alice', password: 'outpost' })).token;
    return cluster;
  } catch (e) {
    await stopCluster(cluster);
    throw e;
  }
}

async function stopCluster(cluster: Cluster): Promise<void> {
  for (const node of cluster.nodes) {
    node.child.kill('SIGCONT');
    node.child.kill('SIGTERM');
    await new Promise((r) => (node.child.exitCode !== null ? r(null) : node.child.once('exit', r)));
    rmSync(node.dataDir, { recursive: true, force: true });
  }
  const admin = openPostgresPool(DATABASE_URL, { max: 1, applicationName: 'outpost-bench-admin' });
  await admin.query(`DROP SCHEMA IF EXISTS ${cluster.schema} CASCADE`).finally(() => admin.end());
}

/** Pauses (SIGSTOP) or resumes (SIGCONT) a cluster's nodes: the one not measured waits paused, as in fan-out. */
function pauseCluster(cluster: Cluster, paused: boolean): void {
  for (const node of cluster.nodes) if (node.child.exitCode === null) node.child.kill(paused ? 'SIGSTOP' : 'SIGCONT');
}

/** One configuration: its cluster, its own jobs and its typists, connected and in sync. */
interface Rig {
  nodes: number;
  routing: Routing;
  cluster: Cluster;
  typists: Typist[];
  sockets: number;
  windows: number;
}

async function openRig(cluster: Cluster, routing: Routing): Promise<Rig> {
  const node0 = cluster.nodes[0]!.url;
  const window = { windowStart: new Date().toISOString(), windowEnd: new Date(Date.now() + 3_600_000).toISOString() };
  const jobIds: string[] = [];
  for (let j = 0; j < JOBS; j++) {
    const { job } = await api<{ job: { id: string } }>(node0, '/api/jobs', cluster.dana, {
      title: 'Scale bench',
      customerId: 'cust-1',
      siteAddress: '1 Bench Way',
      ...window,
      assignees: ['alice'],
    });
    jobIds.push(job.id);
  }
  const connectTo = TRANSPORT === 'channel' ? channelPlacement(cluster.nodes, routing, cluster.alice) : syncPlacement(cluster.nodes, routing, cluster.alice);
  const typists: Typist[] = [];
  for (const [j, jobId] of jobIds.entries()) {
    for (let c = 0; c < CLIENTS; c++) {
      const client = connectTo(j, c, jobId);
      const device = newFieldDevice(jobId, `tech-${c}`);
      const session = client.join(jobId, device.doc);
      session.applyRemote = false;
      typists.push({ client, session, device });
    }
  }
  // Both ways: each device's own first content goes in its answer to the server's step 1.
  await Promise.all(typists.map((t) => t.client.waitInSync(t.session, 30_000)));
  return { nodes: cluster.nodes.length, routing, cluster, typists, sockets: new Set(typists.map((t) => t.client)).size, windows: 0 };
}

async function closeRig(rig: Rig): Promise<void> {
  await Promise.all([...new Set(rig.typists.map((t) => t.client))].map((c) => c.close()));
}

/** Every typist types RATE keystrokes/s for `seconds` (20 ms ticks, on schedule). */
async function type(typists: Typist[], log: LatencyLog, seconds: number): Promise<void> {
  const tickMs = 20;
  const perTick = (typists.length * RATE * tickMs) / 1000;
  const start = performance.now();
  let owed = 0;
  let next = 0;
  for (let t = 0; t < (seconds * 1000) / tickMs; t++) {
    owed += perTick;
    for (; owed >= 1; owed--) {
      const typist = typists[next++ % typists.length]!;
      const key = keystroke(typist.device);
      typist.client.sendUpdate(typist.session, key.update);
      log.logSend(typist.device.doc.clientID, key.end, performance.now());
    }
    await sleep(Math.max(0, start + (t + 1) * tickMs - performance.now()));
  }
}

/**
 * One measured window on a rig: a lead-in at the same rate (1 s on its first window, the
 * warm-up; 0.5 s later, after it waited paused), then `seconds` recorded.
 */
async function measureWindow(rig: Rig, seconds: number): Promise<Record<string, number | string>> {
  const log = new LatencyLog();
  for (const t of rig.typists) {
    t.session.onUpdate = log.receiver(t.device.doc.clientID);
    log.addSender(t.device.doc.clientID);
  }
  await type(rig.typists, log, rig.windows++ === 0 ? 1 : 0.5);
  const pids = rig.cluster.nodes.map((n) => n.child.pid!);
  const cpuBefore = pids.map(cpuSeconds);
  const t0 = performance.now();
  log.recording = true;
  await type(rig.typists, log, seconds);
  log.recording = false;
  const sentSeconds = (performance.now() - t0) / 1000;
  const cpuUsed = pids.reduce((sum, pid, i) => sum + cpuSeconds(pid) - cpuBefore[i]!, 0);
  const expected = log.sent * (CLIENTS - 1);
  // Deliveries in flight: up to 2 s, ended as soon as every one arrived (nothing later counts).
  await waitFor(() => log.samples.length >= expected, 2000);
  const s = summarize(log.samples);
  const errors = rig.typists.flatMap((t) => t.session.errors);
  // Named in the run's log, so a row with socket errors says what they were.
  if (errors.length > 0) console.error(`  scale-out ${rig.nodes} node(s) ${rig.routing}: ${errors.length} socket errors, first: ${errors.slice(0, 3).join(' | ')}`);
  return {
    nodes: rig.nodes,
    routing: rig.routing,
    transport: TRANSPORT === 'channel' ? (rig.routing === 'by-job' && rig.nodes > 1 ? 'channel per shard' : 'one channel per device') : 'socket per job',
    sockets: rig.sockets,
    'updates/s sent': round(log.sent / sentSeconds),
    'deliveries/s': round(log.samples.length / sentSeconds),
    'delivered %': round((100 * log.samples.length) / Math.max(1, expected)),
    'p50 ms': round(s.p50),
    'p99 ms': round(s.p99),
    'server CPU % (all nodes)': round((100 * cpuUsed) / sentSeconds),
    'socket errors': errors.length,
  };
}

/** The configurations compared: one node, two nodes with clients anywhere, two nodes routed by job. */
export const SCALE_CONFIGS = [
  [1, 'any-node'],
  [2, 'any-node'],
  [2, 'by-job'],
] as const;

/**
 * Every configuration of `SCALE_CONFIGS`, `runs` windows of `seconds` each, interleaved
 * (the order rotated per run). One cluster per node count, started once: the two 2-node
 * configurations share its nodes, each with jobs and typists of its own (the other's are
 * connected and idle), so they differ only in where their sockets sit; the cluster not
 * measured waits paused (SIGSTOP). Returns each configuration's windows in config order.
 */
export async function compare(seconds: number, runs: number, log: (line: string) => void = () => undefined): Promise<Record<string, number | string>[][]> {
  const clusters = new Map<number, Cluster>();
  const rigs: Rig[] = [];
  try {
    for (const [nodes] of SCALE_CONFIGS) if (!clusters.has(nodes)) clusters.set(nodes, await startCluster(nodes));
    for (const [nodes, routing] of SCALE_CONFIGS) rigs.push(await openRig(clusters.get(nodes)!, routing));
    const windows: Record<string, number | string>[][] = rigs.map(() => []);
    for (let r = 0; r < runs; r++) {
      for (const rig of interleaved(rigs, r)) {
        for (const c of clusters.values()) pauseCluster(c, c !== rig.cluster);
        const figures = await measureWindow(rig, seconds);
        windows[rigs.indexOf(rig)]!.push(figures);
        log(
          `  scale-out: ${rig.nodes} node(s) ${rig.routing}, run ${r + 1} of ${runs}: p50 ${figures['p50 ms']} p99 ${figures['p99 ms']} ms, CPU ${figures['server CPU % (all nodes)']} %`,
        );
      }
    }
    return windows;
  } finally {
    for (const c of clusters.values()) pauseCluster(c, false);
    await Promise.all(rigs.map(closeRig));
    for (const c of clusters.values()) await stopCluster(c);
  }
}

/** Sockets per job on `/sync/:jobId`: `by-job` puts a job's clients on one node, `any-node` spreads them. */
function syncPlacement(nodes: Node[], routing: Routing, token: string): (job: number, client: number, jobId: string) => SyncClient {
  return (j, c, jobId) => {
    const node = nodes[(routing === 'by-job' ? j : c) % nodes.length]!;
    return new SyncClient({ url: `ws://127.0.0.1:${node.port}/sync/${encodeURIComponent(jobId)}?token=${token}&acks=1`, dialect: 'y' });
  };
}

/**
 * Device channels: typist c of job j is device (j / JOBS_PER_DEVICE, c), holding that group
 * of jobs. `any-node`: one channel per device, devices round-robin over the nodes.
 * `by-job`: a channel per shard of the device's jobs, each shard routed to one node.
 */
function channelPlacement(nodes: Node[], routing: Routing, token: string): (job: number, client: number, jobId: string) => SyncClient {
  const channels = new Map<string, SyncClient>();
  let devicesPlaced = 0;
  const devices = new Map<string, number>();
  return (j, c, jobId) => {
    const device = `${Math.floor(j / JOBS_PER_DEVICE)}:${c}`;
    if (!devices.has(device)) devices.set(device, devicesPlaced++);
    const byShard = routing === 'by-job' && nodes.length > 1;
    const shard = byShard ? jobShard(jobId) : '';
    const key = `${device}/${shard}`;
    let channel = channels.get(key);
    if (!channel) {
      const node = nodes[(byShard ? shard.charCodeAt(0) : devices.get(device)!) % nodes.length]!;
      const query = new URLSearchParams({ token, v: String(PROTOCOL_VERSION), ...(byShard ? { shard } : {}) });
      channel = new SyncClient({ url: `ws://127.0.0.1:${node.port}/device?${query}`, dialect: 'channel' });
      channels.set(key, channel);
    }
    return channel;
  };
}

/** The workload, for reports. */
export const SCALE_WORKLOAD = { jobs: JOBS, clientsPerJob: CLIENTS, keystrokesPerSecondPerClient: RATE, seconds: SECONDS, transport: TRANSPORT, jobsPerDevice: JOBS_PER_DEVICE };

async function main(): Promise<void> {
  const results = await compare(SECONDS, RUNS, (line) => console.error(line));
  console.log(JSON.stringify({ scenario: 'scale-fanout', date: new Date().toISOString(), node: process.version, cpus: cpus().length, workload: SCALE_WORKLOAD, results }, null, 2));
}

// Run on its own with `tsx bench/src/scale-fanout.ts`; `pnpm bench` imports `measure`.
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
