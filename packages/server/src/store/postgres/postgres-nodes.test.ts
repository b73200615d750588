/**
 * What the Store acceptance suite cannot see from one connection pool: several server
 * nodes (each its own pool) sharing one database.
 */
import type { ServerState } from '@outpost/shared';
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hasPostgres, testDatabaseUrl } from '../../../../../test-support/requirements';
import type { OpAttempt, OpVerdict } from '../store';
import { migrate } from './migrate';
import { MIGRATIONS } from './migrations';
import { openPostgresPool, withSchema } from './pool';
import { PostgresStore } from './postgres-store';
import { createTestSchema, type TestSchema } from './test-schema';

const attempt = (over: Partial<OpAttempt>): OpAttempt => ({
  opId: randomUUID(),
  jobId: 'job-1',
  deviceId: 'device-a',
  deviceSeq: 1,
  actor: 'alice',
  kind: 'transition',
  to: 'en_route',
  assignees: null,
  override: false,
  occurredAt: '2030-01-01T09:05:00.000Z',
  receivedAt: '2030-01-01T09:05:01.000Z',
  ...over,
});

const bump = (state: ServerState): OpVerdict => ({ outcome: 'applied', state: { ...state, version: state.version + 1 }, changed: true, review: false });

// Skipped (with a message from hasPostgres) when Postgres is not running outside CI.
describe.skipIf(!(await hasPostgres()))('Postgres store shared by several nodes', () => {
  let schema: TestSchema;
  let nodes: PostgresStore[];
  beforeEach(async () => {
    schema = await createTestSchema(testDatabaseUrl);
    nodes = await Promise.all([1, 2, 3].map(() => PostgresStore.open(schema.url, { max: 4 })));
    await nodes[0]!.createJob({
      id: 'job-1',
      title: 'Rooftop unit',
      customerId: 'c1',
      siteAddress: '1 Main St',
      windowStart: '2030-01-01T09:00:00.000Z',
      windowEnd: '2030-01-01T11:00:00.000Z',
      createdAt: '2030-01-01T00:00:00.000Z',
      status: 'scheduled',
      version: 1,
      assignees: ['alice'],
      changedBy: null,
      changedAt: null,
    });
  });
  afterEach(async () => {
    await Promise.all(nodes.map((n) => n.close()));
    await schema.drop();
  });

  it('migrates once when every node starts at the same moment', async () => {
    const fresh = await createTestSchema(testDatabaseUrl);
    const pools = [1, 2, 3].map(() => openPostgresPool(fresh.url, { max: 1 }));
    try {
      const applied = await Promise.all(pools.map((p) => migrate(p)));
      const every = MIGRATIONS.map((m) => m.id);
      expect(applied.flat().sort((a, b) => a - b)).toEqual(every);
      const { rows } = await pools[0]!.query('SELECT id FROM outpost_migrations ORDER BY id');
      expect(rows).toEqual(every.map((id) => ({ id })));
    } finally {
      await Promise.all(pools.map((p) => p.end()));
      await fresh.drop();
    }
  });

  it('creates the schema named in the URL when a first node starts on an empty database', async () => {
    const name = `outpost_test_new_${Date.now().toString(36)}`;
    const store = await PostgresStore.open(withSchema(testDatabaseUrl, name), { max: 1 });
    const admin = openPostgresPool(testDatabaseUrl, { max: 1 });
    try {
      await store.putUser({ id: 'dana', username: 'dana', name: 'Dana', role: 'dispatcher', passwordHash: 'scrypt$a$b' });
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM ${name}.users`);
      expect(rows[0]).toEqual({ n: 1 });
    } finally {
      await store.close();
      await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      await admin.end();
    }
  });

  it('applies ops from devices on different nodes one version at a time', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => nodes[i % 3]!.applyOp(attempt({ deviceId: `device-${i}` }), bump)));
    expect(results.every((r) => r.kind === 'recorded')).toBe(true);
    const ops = await nodes[1]!.listOps('job-1');
    expect(ops.map((o) => o.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(ops.map((o) => o.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 12 }, (_, i) => i + 2));
    expect((await nodes[2]!.getJob('job-1'))?.version).toBe(13);
  });

  it('records an op retried on another node exactly once', async () => {
    // Many rounds, each op sent to all three nodes at once, so the race is really run.
    for (let round = 0; round < 10; round++) {
      const op = attempt({ deviceId: 'device-a', deviceSeq: round + 1 });
      const results = await Promise.all(nodes.map((n) => n.applyOp(op, bump)));
      expect(results.map((r) => r.kind).sort()).toEqual(['duplicate', 'duplicate', 'recorded']);
    }
    expect(await nodes[0]!.listOps('job-1')).toHaveLength(10);
    expect((await nodes[0]!.getJob('job-1'))?.version).toBe(11);
  });

  it("keeps one device's sequence gap-free when its ops land on different nodes", async () => {
    const ops = Array.from({ length: 6 }, (_, i) => attempt({ deviceSeq: i + 1 }));
    // Submit out of order across nodes, retrying refusals, as a device's outbox would.
    const pending = new Set(ops);
    for (let round = 0; round < 20 && pending.size > 0; round++) {
      await Promise.all(
        [...pending].map(async (op, i) => {
          const out = await nodes[(i + round) % 3]!.applyOp(op, bump);
          if (out.kind === 'recorded' || out.kind === 'duplicate') pending.delete(op);
        }),
      );
    }
    expect(pending.size).toBe(0);
    const log = await nodes[0]!.listOps('job-1');
    expect(log.map((o) => o.deviceSeq)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('loses no update when one node compacts while others append', async () => {
    const writers = [0, 1, 2].map(() => new Y.Doc());
    const appends = writers.flatMap((doc, w) =>
      Array.from({ length: 15 }, (_, i) => async () => {
        const before = Y.encodeStateVector(doc);
        doc.getArray<string>('log').push([`w${w}-${i}`]);
        await nodes[w]!.appendUpdates([{ jobId: 'job-1', update: Y.encodeStateAsUpdate(doc, before) }]);
      }),
    );
    const compactions = Array.from({ length: 10 }, (_, i) => () => nodes[i % 3]!.compactJobDoc('job-1'));
    await Promise.all([...appends, ...compactions].map((run) => run()));
    await nodes[0]!.compactJobDoc('job-1');
    const stored = await nodes[1]!.loadJobDoc('job-1');
    const merged = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(merged, stored.snapshot);
    for (const u of stored.updates) Y.applyUpdate(merged, u);
    expect(merged.getArray<string>('log').length).toBe(45);
  });
});
