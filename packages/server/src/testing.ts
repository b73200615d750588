/**
 * `@outpost/server/testing`: the acceptance suites an adapter must pass, one per part of
 * the `Store` (plus handovers) and one for a `Bus`. The project's own SQLite and Postgres
 * stores and Redis bus run exactly these; a third-party adapter imports them the same way:
 *
 *   import { runStoreAcceptance } from '@outpost/server/testing';
 *   runStoreAcceptance('my-db', async () => ({ store: await MyStore.open(), cleanup: … }));
 *
 * They register vitest tests (`describe`/`it`), so vitest is an optional peer dependency.
 *
 * @module @outpost/server/testing
 */
export {
  runBlobStoreAcceptance,
  runDirectoryAcceptance,
  runDocLogAcceptance,
  runOpLogAcceptance,
  runStoreAcceptance,
  type OpLogUnderTest,
  type PartFixture,
  type StoreFixture,
} from './store/acceptance';
export { runHandoverStoreAcceptance } from './store/handover-acceptance';
export { runBlobChunkStoreAcceptance } from './store/blob-chunk-acceptance';
export { runBusAcceptance, type BusFixture } from './bus/acceptance';
