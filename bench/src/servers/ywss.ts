/**
 * y-websocket-server 0.1.1 as its README runs it, with its own LevelDB persistence
 * (`YPERSISTENCE`): every update is written to LevelDB, and the in-memory doc is dropped
 * when its last connection closes.
 */
import { listenWs } from './loopback-ws';
import { peerJobIds, type StartServer } from './server';

/** Starts y-websocket-server with LevelDB persistence in `dataDir`. */
export const startYwss: StartServer = async (dataDir) => {
  // utils.js reads YPERSISTENCE when it is first imported.
  process.env.YPERSISTENCE = dataDir;
  const { setupWSConnection, getPersistence } = await import('@y/websocket-server/utils');
  const listening = await listenWs((ws, req) => setupWSConnection(ws, req));
  return {
    port: listening.port,
    prepare: async (count) => ({ jobIds: peerJobIds(count), token: '' }),
    close: async () => {
      await listening.close();
      const leveldb = (getPersistence() as { provider?: { tr: Promise<unknown>; destroy(): Promise<void> } } | null)?.provider;
      // y-leveldb chains every write on `tr`; closing before the chain drains loses the tail
      // (a fixed 200 ms pause lost a 200-update job queued behind a 10,000-update one).
      if (leveldb) {
        let tr: Promise<unknown>;
        do await (tr = leveldb.tr);
        while (tr !== leveldb.tr);
        await leveldb.destroy();
      }
    },
  };
};
