/**
 * Issue 15.5: the nginx configs of docs/scaling.md, run by a real nginx in front of two
 * `outpost-server` nodes sharing Postgres and Redis. Each node tells what landed on it
 * through its own `/metrics` (open sockets, workflow ops), so nothing here needs a hook in
 * the server. Mandatory in CI (hasNginx/hasPostgres/hasRedis throw there when missing).
 */
import { addNote, readJob } from '@outpost/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ChannelClient } from '../../../../test-support/channel-client';
import { RelayClient } from '../../../../test-support/relay-client';
import { hasNginx, hasPostgres, hasRedis, testDatabaseUrl } from '../../../../test-support/requirements';
import { until } from '../../../../test-support/until';
import { createTestSchema, type TestSchema } from '../../src/store/postgres/test-schema';
import { Cluster, type ClusterNode } from './cluster';
import { login, OpDevice } from './field-devices';
import { documentedConfig, Nginx, portsThatSpread } from './nginx';

/** The demo seed's jobs, job-1001 … job-1012. */
const JOBS = Array.from({ length: 12 }, (_, i) => `job-${1001 + i}`);
/** A job's shard as the client computes it (`jobShard`): the id's last character. */
const shardOf = (jobId: string) => jobId.slice(-1);
const SHARDS = [...new Set(JOBS.map(shardOf))];

const ready = (await hasNginx()) && (await hasPostgres()) && (await hasRedis());

describe.skipIf(!ready)('nginx configured as docs/scaling.md says, in front of two nodes', () => {
  let schema: TestSchema;
  let cluster: Cluster;
  let nodes: ClusterNode[];
  const tokens: Record<string, string> = {};
  const open: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    schema = await createTestSchema(testDatabaseUrl);
    cluster = Cluster.onTestServices(schema.url);
    // Ports are random; pick two for which the job ids and the shards do not all hash to one
    // node by chance (~0.3 % of port pairs for the ten shards), so "spread" is always shown.
    const ports = await portsThatSpread([JOBS, SHARDS]);
    nodes = [await cluster.start(true, ports[0]), await cluster.start(false, ports[1])];
    for (const user of ['alice', 'dana']) tokens[user] = await login(nodes[0]!.url, user);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await cluster?.stop();
    await schema?.drop();
  });

  /** The sum of one metric's samples (all labels) on each node, from its own `/metrics`. */
  const perNode = (metric: string) =>
    Promise.all(
      nodes.map(async (node) => {
        const text = await (await fetch(`${node.url}/metrics`)).text();
        const samples = text.split('\n').filter((l) => l.startsWith(`${metric} `) || l.startsWith(`${metric}{`));
        return samples.reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
      }),
    );

  /** Runs `act`, waits until the nodes count `n` more of `metric`, and returns the node that counted them all. */
  const nodeCounting = async (metric: string, n: number, act: () => Promise<void>): Promise<number> => {
    const before = await perNode(metric);
    await act();
    let grew: number[] = [];
    await until(`${n} more ${metric} over the nodes`, async () => {
      grew = (await perNode(metric)).map((v, i) => v - before[i]!);
      return grew[0]! + grew[1]! === n;
    });
    expect(grew, `${metric} per node`).toContainEqual(n);
    return grew.indexOf(n);
  };

  /** Closes the test's sockets and waits until no node counts one, so the next counts start from zero. */
  const closeAll = async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
    await until('every node closed its sockets', async () => (await perNode('outpost_connections')).every((n) => n === 0));
  };

  const syncSocket = async (lb: Nginx, jobId: string, token = tokens.dana!) => {
    const client = await RelayClient.connect({ baseUrl: lb.url, jobId, token });
    open.push(client);
    await client.whenSynced;
    return client;
  };
  const channel = async (lb: Nginx, shard: string, token = tokens.dana!) => {
    const client = await ChannelClient.connect(lb.url, token, undefined, shard);
    open.push(client);
    expect(client.closeCode).toBeNull();
    return client;
  };
  /** Node of `n` sockets opened by `connect`, as the nodes count them. */
  const socketsNode = (n: number, connect: () => Promise<unknown>) =>
    nodeCounting('outpost_connections', n, async () => void (await Promise.all(Array.from({ length: n }, connect))));
  /** Node that applied a dispatcher's op posted through nginx to `/api/jobs/:id/ops`. */
  const opNode = (lb: Nginx, jobId: string) =>
    nodeCounting('outpost_ops_total', 1, async () => {
      const office = new OpDevice(tokens.dana!, () => [lb.url]);
      const answer = await office.send(office.next(jobId, { kind: 'assign', assignees: ['alice', 'bob'] }, new Y.Doc()), 0);
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    });

  describe('routing by job id (hash $outpost_job consistent)', () => {
    let lb: Nginx;
    beforeAll(async () => {
      lb = await Nginx.start((port) => documentedConfig('by job id', [nodes[0]!, nodes[1]!].map(portOf), port));
    });
    afterAll(async () => {
      await closeAll();
      await lb?.stop();
    });

    it("puts every socket of a job on one node, the job's API on the same node, and spreads jobs over both", async () => {
      const home = new Map<string, number>();
      for (const job of JOBS) home.set(job, await socketsNode(3, () => syncSocket(lb, job)));
      expect(new Set(home.values())).toEqual(new Set([0, 1]));
      // Sockets opened later (another device coming online) still meet the job's first ones.
      for (const job of JOBS) expect(await socketsNode(1, () => syncSocket(lb, job)), job).toBe(home.get(job));
      // The op endpoint finds the job on the node holding its doc: one job homed on each node.
      for (const node of [0, 1]) {
        const job = JOBS.find((j) => home.get(j) === node)!;
        expect(await opNode(lb, job), job).toBe(node);
      }
    });
  });

  describe('routing by shard, with device channels per shard (hash $outpost_route consistent)', () => {
    let lb: Nginx;
    beforeAll(async () => {
      lb = await Nginx.start((port) => documentedConfig('by shard', [nodes[0]!, nodes[1]!].map(portOf), port));
    });
    afterAll(async () => {
      await closeAll();
      await lb?.stop();
    });

    it("puts a shard's channels, its jobs' sockets and their API on one node, and spreads shards over both", async () => {
      const home = new Map<string, number>();
      for (const shard of SHARDS) {
        const node = await socketsNode(2, () => channel(lb, shard));
        home.set(shard, node);
        for (const job of JOBS.filter((j) => shardOf(j) === shard)) {
          expect(await socketsNode(1, () => syncSocket(lb, job)), `/sync/${job}`).toBe(node);
          expect(await opNode(lb, job), `/api/jobs/${job}/ops`).toBe(node);
        }
      }
      expect(new Set(home.values())).toEqual(new Set([0, 1]));
      // A channel of the same shard opened later lands there too.
      for (const shard of SHARDS) expect(await socketsNode(1, () => channel(lb, shard)), `shard ${shard}`).toBe(home.get(shard));
    });

    it('converges a technician on a shard channel and the office on /sync, with durable acks, through nginx', async () => {
      const mine = (await (await fetch(`${lb.url}/api/me/jobs`, { headers: { authorization: `Bearer ${tokens.alice}` } })).json()) as { jobs: { id: string }[] };
      const job = mine.jobs[0]!.id;
      const tech = await channel(lb, shardOf(job), tokens.alice);
      tech.subscribe([job]);
      await tech.synced([job]);
      const office = await syncSocket(lb, job);
      tech.edit(job, (doc) => addNote(doc, { id: 'n-tech', author: 'alice', createdAt: new Date().toISOString(), text: 'Condenser coil cleaned' }));
      const sent = office.edit((doc) => addNote(doc, { id: 'n-office', author: 'dana', createdAt: new Date().toISOString(), text: 'Customer asks for a call' }));
      const notes = (doc: Y.Doc) =>
        readJob(doc)
          .notes.map((n) => n.id)
          .sort();
      await until('both notes on both devices', () => ['n-office', 'n-tech'].every((id) => notes(tech.jobs.get(job)!.doc).includes(id) && notes(office.doc).includes(id)));
      expect(notes(tech.jobs.get(job)!.doc)).toEqual(notes(office.doc));
      await office.durable(sent);
      // Step 2 is the channel's content message 1 for the job; the note is message 2.
      await until('the technician’s note acked', () => tech.ackedUpTo(job) >= 2);
    });
  });
});

const portOf = (node: ClusterNode) => Number(new URL(node.url).port);
