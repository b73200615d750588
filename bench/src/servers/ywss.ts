/**
 * y-websocket-server 0.1.1 as its README runs it, with its own LevelDB persistence
 * (`YPERSISTENCE`): every update is written to LevelDB, and the in-memory doc is dropped
 * when its last connection closes.
 */
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { peerJobIds, type StartServer } from './server';

/** Starts y-websocket-server with LevelDB persistence in `dataDir`. */
export const startYwss: StartServer = async (dataDir) => {
  // utils.js reads YPERSISTENCE when it is first imported.
  process.env.YPERSISTENCE = dataDir;
  const { setupWSConnection, getPersistence } = await import('@y/websocket-server/utils');
  const wss = new WebSocketServer({ noServer: true });
  const server = http.createServer((_req, res) => res.end('okay'));
  wss.on('connection', (ws, req) => setupWSConnection(ws, req));
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    prepare: async (count) => ({ jobIds: peerJobIds(count), token: '' }),
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((r) => server.close(r));
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
