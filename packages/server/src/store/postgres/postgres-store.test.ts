import { describe, expect, it } from 'vitest';
import { hasPostgres, testDatabaseUrl } from '../../../../../test-support/requirements';
import { runBlobChunkStoreAcceptance, runHandoverStoreAcceptance, runStoreAcceptance, type StoreFixture } from '@outpost/server/testing';
import { openPostgresPool } from './pool';
import { PostgresStore } from './postgres-store';
import { createTestSchema } from './test-schema';

// Skipped (with a message from hasPostgres) when Postgres is not running outside CI.
describe.skipIf(!(await hasPostgres()))('PostgresStore', () => {
  const postgresFixture = async (): Promise<StoreFixture> => {
    const schema = await createTestSchema(testDatabaseUrl);
    const store = await PostgresStore.open(schema.url, { max: 4 });
    return {
      store,
      async cleanup() {
        await store.close();
        await schema.drop();
      },
    };
  };
  runStoreAcceptance('postgres', postgresFixture);
  runHandoverStoreAcceptance('postgres', postgresFixture);
  runBlobChunkStoreAcceptance('postgres', postgresFixture);
});

describe.skipIf(!(await hasPostgres()))('PostgresStore connections', () => {
  it('opens its connections at start with the cold-open reads run once, so the first cold job open after a restart waits for no new backend nor a first parse', async () => {
    const schema = await createTestSchema(testDatabaseUrl);
    const applicationName = `outpost-open-test-${process.pid}`;
    const store = await PostgresStore.open(schema.url, { max: 4, applicationName });
    const observer = openPostgresPool(testDatabaseUrl, { max: 1, applicationName: 'outpost-test-observer' });
    try {
      // pg_stat_activity shows each backend's last statement: the doc read, queued after the job read.
      const { rows } = await observer.query<{ query: string }>('SELECT query FROM pg_stat_activity WHERE application_name = $1', [applicationName]);
      expect(rows).toHaveLength(3);
      for (const { query } of rows) expect(query).toContain('FROM job_snapshots WHERE job_id = $1');
    } finally {
      await observer.end();
      await store.close();
      await schema.drop();
    }
  });
});
