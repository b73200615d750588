import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { hasPostgres, testDatabaseUrl } from '../../../../../test-support/requirements';
import type { Durability } from '../store';
import { openPostgresPool } from './pool';
import { PostgresStore } from './postgres-store';
import { createTestSchema, type TestSchema } from './test-schema';

/** The schema's URL with the database's default for this session set to `synchronous_commit = off`. */
function withCommitOff(schema: TestSchema): string {
  const url = new URL(schema.url);
  url.searchParams.set('options', `-c search_path=${schema.name} -c synchronous_commit=off`);
  return url.toString();
}

// Skipped (with a message from hasPostgres) when Postgres is not running outside CI.
describe.skipIf(!(await hasPostgres()))('Postgres commit durability', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function storeOnCommitOff(durability?: Durability): Promise<PostgresStore> {
    const schema = await createTestSchema(testDatabaseUrl);
    cleanups.push(() => schema.drop());
    // One connection: the acked append below and the check run on the same session.
    const store = await PostgresStore.open(withCommitOff(schema), { max: 1, ...(durability ? { durability } : {}) });
    cleanups.push(() => store.close());
    const doc = new Y.Doc();
    doc.getText('t').insert(0, 'acked');
    await store.appendUpdates([{ jobId: 'job-1', update: Y.encodeStateAsUpdate(doc) }]);
    return store;
  }

  it('commits acked updates with synchronous_commit = on even where the database default is off', async () => {
    // The setup really turns it off for a plain connection.
    const schema = await createTestSchema(testDatabaseUrl);
    cleanups.push(() => schema.drop());
    const plain = new pg.Pool({ connectionString: withCommitOff(schema), max: 1 });
    cleanups.push(() => plain.end());
    expect((await plain.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('off');

    const store = await storeOnCommitOff();
    expect(await store.commitDurability()).toBe('Postgres synchronous_commit = on');
  });

  it('keeps a stronger setting the database already has (remote_apply waits for the local flush too)', async () => {
    const schema = await createTestSchema(testDatabaseUrl);
    cleanups.push(() => schema.drop());
    const url = new URL(schema.url);
    url.searchParams.set('options', `-c search_path=${schema.name} -c synchronous_commit=remote_apply`);
    const pool = openPostgresPool(url.toString(), { max: 1 });
    cleanups.push(() => pool.end());
    expect((await pool.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('remote_apply');
  });

  it('with durability "process" commits with synchronous_commit = off', async () => {
    const store = await storeOnCommitOff('process');
    expect(await store.commitDurability()).toBe('Postgres synchronous_commit = off');
  });
});
