import { describe } from 'vitest';
import { hasPostgres, testDatabaseUrl } from '../../../../../test-support/requirements';
import { runBlobChunkStoreAcceptance, runHandoverStoreAcceptance, runStoreAcceptance, type StoreFixture } from '@outpost/server/testing';
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
