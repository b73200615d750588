import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { ServerHttp } from '../sync/server-http';
import { DeviceDb } from '../storage/device-db';
import { sha256Hex } from '../ids/device-crypto';
import { Priming } from './priming';

/** The server's answers for a dispatcher with `count` jobs over two days, manifest and hash as the server makes them. */
async function dispatcherApi(count: number): Promise<ServerHttp> {
  const jobs = Array.from({ length: count }, (_, i) => ({
    id: `job-${i}`,
    title: `Job ${i}`,
    customerId: 'cust-1',
    siteAddress: `${i} Main St`,
    windowStart: '2026-11-26T08:00:00.000Z',
    windowEnd: '2026-11-26T09:00:00.000Z',
    status: 'scheduled',
    version: 1,
    assignees: [],
  }));
  const listed = { jobs, customers: [], equipment: [] };
  const hash = await sha256Hex(new TextEncoder().encode(JSON.stringify(listed)));
  const bookHash = await sha256Hex(new TextEncoder().encode('[]'));
  const answers: Record<string, unknown> = {
    '/api/me/jobs?days=2': { generatedAt: new Date().toISOString(), ...listed, manifest: { jobs: count, customers: 0, equipment: 0, hash } },
    '/api/pricebook': { items: [], hash: bookHash },
  };
  return { call: async (_method: string, path: string) => answers[path] } as unknown as ServerHttp;
}

describe('priming a dispatcher with many jobs', () => {
  it('syncs a few job docs at a time, not every job of the two days at once', async () => {
    const db = await DeviceDb.open(indexedDB, `priming-turns-${crypto.randomUUID()}`);
    let open = 0;
    let most = 0;
    const synced: string[] = [];
    const syncJobDoc = async (jobId: string) => {
      most = Math.max(most, ++open);
      await new Promise((r) => setTimeout(r, 1));
      open--;
      synced.push(jobId);
      return true;
    };
    const priming = new Priming(db, await dispatcherApi(200), syncJobDoc, () => undefined);
    const state = await priming.prime();
    expect(state).toMatchObject({ complete: true, error: null, counts: { jobs: 200 } });
    expect(new Set(synced).size).toBe(200);
    // A few at a time (PRIMING_DOCS_AT_ONCE), whatever the exact figure; before: all 200.
    expect(most).toBeLessThanOrEqual(8);
    expect(most).toBeGreaterThan(1);
    db.close();
  });
});
