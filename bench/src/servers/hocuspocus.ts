/**
 * Hocuspocus 3.4 with SQLite persistence the way its own SQLite extension does it:
 * `onLoadDocument` reads the stored state, `onStoreDocument` (debounced by Hocuspocus,
 * 2 s / max 10 s) writes the whole merged state. Its per-update SyncStatus reply says the
 * update was applied in memory, not that it was stored.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Server } from '@hocuspocus/server';
import * as Y from 'yjs';
import { peerJobIds, type StartServer } from './server';

interface Statement {
  get(...args: unknown[]): unknown;
  run(...args: unknown[]): unknown;
}
interface Database {
  exec(sql: string): void;
  pragma(sql: string): unknown;
  prepare(sql: string): Statement;
  close(): void;
}

// better-sqlite3 is the server package's dependency; borrow it rather than add a second copy.
const requireFromServer = createRequire(new URL('../../../packages/server/package.json', import.meta.url));
const BetterSqlite = requireFromServer('better-sqlite3') as new (file: string) => Database;

/** Starts Hocuspocus with SQLite persistence in `dataDir`. */
export const startHocuspocus: StartServer = async (dataDir) => {
  const db = new BetterSqlite(join(dataDir, 'hocuspocus.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE IF NOT EXISTS documents (name TEXT PRIMARY KEY, data BLOB)');
  const load = db.prepare('SELECT data FROM documents WHERE name = ?');
  const store = db.prepare('INSERT INTO documents (name, data) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET data = excluded.data');
  const server = new Server({
    port: 0,
    address: '127.0.0.1',
    quiet: true,
    async onLoadDocument({ documentName, document }) {
      const row = load.get(documentName) as { data: Buffer } | undefined;
      if (row) Y.applyUpdate(document, new Uint8Array(row.data));
      return document;
    },
    async onStoreDocument({ documentName, document }) {
      store.run(documentName, Buffer.from(Y.encodeStateAsUpdate(document)));
    },
  });
  await server.listen();
  return {
    port: server.address.port,
    prepare: async (count) => ({ jobIds: peerJobIds(count), token: 'bench' }),
    close: async () => {
      await server.destroy(); // stores every loaded document before it resolves
      db.close();
    },
  };
};
