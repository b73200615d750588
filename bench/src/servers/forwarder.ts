/**
 * The least a Yjs relay does, as a reference for fan-out: a websocket server speaking
 * y-websocket's protocol that keeps no document and stores nothing. It answers a socket's
 * sync step 1 with an empty step 2 (and sends its own empty step 1, as y-websocket-server
 * does), and sends every update and awareness frame it receives, as received, to the
 * job's other sockets. No Yjs apply, no judging, no storage, no echo to the sender: what
 * any relay on `ws` pays for a keystroke is at least this (one read, a frame to each
 * other typist), so the rate it holds on the server core bounds what any of the servers
 * under test could hold there (bench/README.md, "The forwarder").
 */
import type { WebSocket } from 'ws';
import { listenWs } from './loopback-ws';
import { peerJobIds, type StartServer } from './server';

/** y-protocols: message types and sync steps (y-protocols/sync, y-websocket). */
const MESSAGE_SYNC = 0;
const SYNC_STEP_1 = 0;
const SYNC_UPDATE = 2;
const MESSAGE_AWARENESS = 1;
/** Sync step 1 with an empty state vector; sync step 2 with an empty update (no structs, no deletes). */
const EMPTY_STEP_1 = Uint8Array.of(MESSAGE_SYNC, SYNC_STEP_1, 1, 0);
const EMPTY_STEP_2 = Uint8Array.of(MESSAGE_SYNC, 1, 2, 0, 0);

function forward(room: Set<WebSocket>, from: WebSocket, data: Buffer): void {
  for (const ws of room) if (ws !== from && ws.readyState === ws.OPEN) ws.send(data);
}

/** Starts the forwarder; it keeps nothing, so `dataDir` is unused. */
export const startForwarder: StartServer = async () => {
  const rooms = new Map<string, Set<WebSocket>>();
  const { port, close } = await listenWs((ws, req) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1).split('?')[0]!);
    const room = rooms.get(name) ?? new Set<WebSocket>();
    rooms.set(name, room);
    room.add(ws);
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer) => {
      if (data[0] === MESSAGE_SYNC && data[1] === SYNC_STEP_1) ws.send(EMPTY_STEP_2);
      else if ((data[0] === MESSAGE_SYNC && data[1] === SYNC_UPDATE) || data[0] === MESSAGE_AWARENESS) forward(room, ws, data);
      // A step 2 (the socket's state, answering ours) is dropped: there is no document to add it to.
    });
    ws.on('close', () => {
      room.delete(ws);
      if (room.size === 0) rooms.delete(name);
    });
    ws.send(EMPTY_STEP_1);
  });
  return { port, prepare: async (count) => ({ jobIds: peerJobIds(count), token: '' }), close };
};
