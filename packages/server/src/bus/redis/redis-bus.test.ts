import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hasRedis, testRedisUrl } from '../../../../../test-support/requirements';
import { until } from '../../../../../test-support/until';
import { runBusAcceptance } from '@outpost/server/testing';
import type { BusEvent } from '../bus';
import { CATCH_UP_NODE, RedisBus, type RedisBusOptions } from './redis-bus';

const testPrefix = () => `outpost_test_${randomBytes(6).toString('hex')}`;

// Skipped (with a message from hasRedis) when Redis is not running outside CI.
describe.skipIf(!(await hasRedis()))('RedisBus', () => {
  runBusAcceptance('redis', async (n) => {
    const prefix = testPrefix();
    const buses = await Promise.all(Array.from({ length: n }, () => RedisBus.connect(testRedisUrl, { prefix })));
    return { buses, cleanup: async () => void (await Promise.all(buses.map((b) => b.close()))) };
  });

  const open: RedisBus[] = [];
  const connect = async (options: RedisBusOptions) => {
    const bus = await RedisBus.connect(testRedisUrl, { warn: () => undefined, ...options });
    open.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((b) => b.close()));
  });

  it('keeps clusters with different prefixes apart on one Redis', async () => {
    const mine = await connect({ prefix: testPrefix() });
    const theirs = await connect({ prefix: testPrefix() });
    const got: BusEvent[] = [];
    await mine.subscribe('job-1', (e) => got.push(e));
    await theirs.publish({ kind: 'revoke', jobId: 'job-1', node: 'other', userId: 'bob' });
    await mine.publish({ kind: 'revoke', jobId: 'job-1', node: 'mine', userId: 'bob' });
    await until('the bus to deliver', () => got.length >= 1, 5000);
    await new Promise((r) => setTimeout(r, 100));
    expect(got.map((e) => e.node)).toEqual(['mine']);
  });

  it('still delivers to the other rooms when one listener throws', async () => {
    const bus = await connect({ prefix: testPrefix() });
    const got: string[] = [];
    await bus.subscribe('job-1', () => {
      throw new Error('broken room');
    });
    await bus.subscribe('job-1', (e) => got.push(e.kind));
    await bus.publish({ kind: 'revoke', jobId: 'job-1', node: 'n1', userId: 'bob' });
    await until('the bus to deliver', () => got.length === 1, 5000);
  });

  it('keeps delivering to a job that was unloaded and loaded again at once', async () => {
    const prefix = testPrefix();
    const bus = await connect({ prefix });
    const other = await connect({ prefix });
    const stop = await bus.subscribe('job-1', () => undefined);
    const got: BusEvent[] = [];
    // Unsubscribe and subscribe again without waiting: Redis must end up subscribed.
    const [, again] = await Promise.all([stop(), bus.subscribe('job-1', (e) => got.push(e))]);
    await other.publish({ kind: 'revoke', jobId: 'job-1', node: 'n2', userId: 'bob' });
    await until('the bus to deliver', () => got.length === 1, 5000);
    await again();
  });

  it('hands a room the stored doc after its Redis connection drops, so missed updates are repaired', async () => {
    const prefix = testPrefix();
    const stored = new Y.Doc();
    stored.getText('t').insert(0, 'typed while the bus was down');
    const catchUp = async () => ({ snapshot: Y.encodeStateAsUpdate(stored), updates: [] });
    const bus = await connect({ prefix, catchUp });
    const got: BusEvent[] = [];
    await bus.subscribe('job-1', (e) => got.push(e));

    const admin = new Redis(testRedisUrl);
    try {
      const clients = (await admin.client('LIST')) as string;
      const ids = clients
        .split('\n')
        .filter((line) => line.includes(` name=${prefix}:subscriber `))
        .map((line) => /(?:^|\s)id=(\d+)/.exec(line)![1]!);
      expect(ids).toHaveLength(1);
      await admin.client('KILL', 'ID', ids[0]!);
    } finally {
      admin.disconnect();
    }

    await until('the bus to deliver', () => got.some((e) => e.node === CATCH_UP_NODE), 5000);
    const repaired = new Y.Doc();
    Y.applyUpdate(repaired, (got.find((e) => e.node === CATCH_UP_NODE) as { update: Uint8Array }).update);
    expect(repaired.getText('t').toString()).toBe('typed while the bus was down');
    // And live delivery resumed on the new connection.
    await bus.publish({ kind: 'revoke', jobId: 'job-1', node: 'n1', userId: 'after' });
    await until('the bus to deliver', () => got.some((e) => e.kind === 'revoke'), 5000);
  });
});
