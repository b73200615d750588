import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/password';
import { startOfLocalDay } from '../jobs/summary';
import { SqliteStore } from '../store/sqlite/sqlite-store';
import { DEMO_PASSWORD, seedDemo } from './demo';

describe('demo seed', () => {
  it('gives alice and bob several jobs today and tomorrow, some shared, and seeds only an empty store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'outpost-seed-'));
    const store = new SqliteStore(join(dir, 'outpost.db'));
    try {
      const now = new Date();
      expect(await seedDemo(store, now)).toBe(true);
      const users = await store.listUsers();
      expect(users.map((u) => [u.id, u.role])).toEqual([
        ['alice', 'technician'],
        ['bob', 'technician'],
        ['dana', 'dispatcher'],
      ]);
      for (const u of users) expect(await verifyPassword(DEMO_PASSWORD, u.passwordHash)).toBe(true);
      expect(new Set(users.map((u) => u.passwordHash.split('$')[1])).size).toBe(users.length);
      const jobs = await store.listJobs();
      expect(jobs.length).toBe(12);
      const today = startOfLocalDay(now);
      const tomorrow = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
      const dayOf = (iso: string) => (new Date(iso) < tomorrow ? 'today' : 'tomorrow');
      for (const tech of ['alice', 'bob']) {
        const mine = jobs.filter((j) => j.assignees.includes(tech));
        expect(mine.filter((j) => dayOf(j.windowStart) === 'today').length).toBeGreaterThanOrEqual(3);
        expect(mine.filter((j) => dayOf(j.windowStart) === 'tomorrow').length).toBeGreaterThanOrEqual(3);
      }
      expect(jobs.filter((j) => j.assignees.length === 2).length).toBeGreaterThanOrEqual(2);
      expect(jobs.every((j) => new Date(j.windowStart) >= today && /^job-\d{4}$/.test(j.id))).toBe(true);
      expect((await store.listPricebook()).filter((p) => p.active !== false).length).toBe(50);
      expect((await store.listPricebook()).length).toBe(62);
      expect((await store.listEquipment({ jobId: 'job-1001' })).length).toBeGreaterThan(0);
      // Compacted as a clean stop leaves a store: start-up must find no log a killed process left.
      expect(await store.listJobsWithLog()).toEqual([]);
      expect(await seedDemo(store, now)).toBe(false);
      expect((await store.listJobs()).length).toBe(12);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
