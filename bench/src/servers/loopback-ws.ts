/**
 * A websocket server on a free loopback port, as the peers without a server of their own
 * (y-websocket-server's utils, the forwarder) are run: every upgrade becomes a `ws`
 * connection handed to `onConnection`; plain requests answer "okay".
 */
import http from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

export interface LoopbackWs {
  port: number;
  /** Terminates every socket, then stops listening. */
  close(): Promise<void>;
}

export async function listenWs(onConnection: (ws: WebSocket, req: http.IncomingMessage) => void): Promise<LoopbackWs> {
  const wss = new WebSocketServer({ noServer: true });
  const server = http.createServer((_req, res) => res.end('okay'));
  wss.on('connection', onConnection);
  server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise((r) => server.close(r));
    },
  };
}
