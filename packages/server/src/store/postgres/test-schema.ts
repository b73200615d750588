/**
 * Test isolation for Postgres suites: each run gets its own schema in the shared test
 * database, so parallel runs and other suites never see each other's rows. Test-only;
 * not exported from the package.
 */
import { randomBytes } from 'node:crypto';
import { openPostgresPool, withSchema } from './pool';

/** A throwaway schema: its URL (search_path set) and how to drop it. */
export interface TestSchema {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Creates `outpost_test_<random>` in the database at `baseUrl`. */
export async function createTestSchema(baseUrl: string): Promise<TestSchema> {
  const name = `outpost_test_${randomBytes(6).toString('hex')}`;
  const admin = openPostgresPool(baseUrl, { max: 1, applicationName: 'outpost-test-admin' });
  try {
    await admin.query(`CREATE SCHEMA ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withSchema(baseUrl, name),
    async drop() {
      const pool = openPostgresPool(baseUrl, { max: 1, applicationName: 'outpost-test-admin' });
      try {
        await pool.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await pool.end();
      }
    },
  };
}
