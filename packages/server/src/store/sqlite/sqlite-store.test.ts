import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBlobChunkStoreAcceptance, runHandoverStoreAcceptance, runStoreAcceptance, type StoreFixture } from '@outpost/server/testing';
import { SqliteStore } from './sqlite-store';

async function sqliteFixture(): Promise<StoreFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'outpost-sqlite-'));
  const store = new SqliteStore(join(dir, 'outpost.db'));
  return {
    store,
    async cleanup() {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

runStoreAcceptance('sqlite', sqliteFixture);
runHandoverStoreAcceptance('sqlite', sqliteFixture);
runBlobChunkStoreAcceptance('sqlite', sqliteFixture);
