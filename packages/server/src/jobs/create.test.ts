import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { createJob, type NewJob } from './create';

const job: NewJob = {
  title: 'Walk-in cooler alarm',
  customerId: 'cust-1',
  siteAddress: '1 Dock Rd',
  windowStart: '2026-11-22T09:00:00Z',
  windowEnd: '2026-11-22T11:00:00Z',
  assignees: ['alice'],
};

describe('creating jobs', () => {
  let dir: string;
  let store: SqliteStore;
  let other: SqliteStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'outpost-create-'));
    store = new SqliteStore(join(dir, 'outpost.db'));
    other = new SqliteStore(join(dir, 'outpost.db'));
    await store.putCustomer({ id: 'cust-1', name: 'Harbor View Dental', phone: '555-0101', email: 'ops@example.com', address: '1 Dock Rd' });
  });
  afterEach(async () => {
    await store.close();
    await other.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('numbers jobs one after another from job-1001', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await createJob(store, job, 'dana')).id);
    expect(ids).toEqual(['job-1001', 'job-1002', 'job-1003']);
  });

  it('counts on from the highest number the store holds, without listing the jobs', async () => {
    // A few years of a large company: past ~120,000 jobs, finding the number by spreading
    // every listed job into Math.max overflowed the stack.
    const big = Object.assign(Object.create(store) as SqliteStore, {
      highestJobNumber: async () => 201_000,
      listJobs: () => Promise.reject(new Error('listed every job to number one')),
    });
    expect((await createJob(big, job, 'dana')).id).toBe('job-201001');
  });

  it('gives concurrent creates distinct ids', async () => {
    const ids = await Promise.all(Array.from({ length: 5 }, () => createJob(store, job, 'dana').then((j) => j.id)));
    expect(new Set(ids).size).toBe(5);
  });

  it('gives many concurrent first creates distinct ids on a store that answers over the network', async () => {
    // Postgres answers after a round trip: every first create used to read the same
    // highest number, collide, re-read it together and give up after four tries (a 500).
    const slow = new Proxy(store, {
      get(target, key, receiver) {
        const value = Reflect.get(target, key, receiver) as unknown;
        if (key !== 'highestJobNumber' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return async (...args: unknown[]) => {
          const jobs = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          await new Promise((r) => setTimeout(r, 5));
          return jobs;
        };
      },
    });
    const ids = await Promise.all(Array.from({ length: 10 }, () => createJob(slow, job, 'dana').then((j) => j.id)));
    expect(new Set(ids).size).toBe(10);
  });

  it('takes the next free number when another node already used the one it counted to', async () => {
    expect((await createJob(store, job, 'dana')).id).toBe('job-1001');
    // another node sharing the database creates job-1002 behind this node's back
    expect((await createJob(other, job, 'dana')).id).toBe('job-1002');
    const created = await createJob(store, job, 'dana');
    expect(created.id).toBe('job-1003');
    expect((await store.listJobs()).map((j) => j.id).sort()).toEqual(['job-1001', 'job-1002', 'job-1003']);
  });

  it('stores a new job as a snapshot with no log behind it, so its first open reads no log', async () => {
    const { id } = await createJob(store, job, 'dana');
    const stored = await store.loadJobDoc(id);
    expect(stored.updates).toEqual([]);
    expect(stored.snapshot).not.toBeNull();
    expect(stored.snapshotStateVector).toBeDefined();
    expect(await store.listJobsWithLog()).toEqual([]);
  });
});
