/**
 * Outpost's own server, started in-process through `@outpost/server`'s `startServer`.
 * Until that lands the benchmark reports Outpost as not available.
 */
import type { StartServer } from './server';

/** Starts the Outpost server on SQLite in `dataDir`. */
export const startOutpost: StartServer = async () => {
  const mod = (await import('@outpost/server')) as Record<string, unknown>;
  if (typeof mod.startServer !== 'function') throw new Error('@outpost/server does not export startServer yet');
  throw new Error('Outpost adapter not written yet');
};
