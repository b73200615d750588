import type { AddressInfo } from 'node:net';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { SyncClient } from '../src/load/sync-client';

/** A sync message (type 0) of `syncType` carrying `payload`. */
function syncFrame(syncType: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, 0);
  encoding.writeVarUint(e, syncType);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

describe('SyncClient: in sync both ways', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("waits for the device's own answer to the server's step 1, which a server may send after its step 2", async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    await new Promise((r) => server.once('listening', r));
    const serverDoc = new Y.Doc();
    let sendStep1: () => void = () => undefined;
    server.on('connection', (ws: WebSocket) => {
      ws.on('message', (data: Buffer) => {
        const d = decoding.createDecoder(new Uint8Array(data));
        decoding.readVarUint(d); // sync
        const syncType = decoding.readVarUint(d);
        const payload = decoding.readVarUint8Array(d);
        if (syncType === syncProtocol.messageYjsSyncStep1) {
          ws.send(syncFrame(syncProtocol.messageYjsSyncStep2, Y.encodeStateAsUpdate(serverDoc, payload)));
          // The server's own step 1 goes later, when the test says (as a loaded server's can).
          sendStep1 = () => ws.send(syncFrame(syncProtocol.messageYjsSyncStep1, Y.encodeStateVector(serverDoc)));
        } else Y.applyUpdate(serverDoc, payload);
      });
    });
    const device = new Y.Doc();
    device.getText('note').insert(0, 'written before the socket opened');
    const client = new SyncClient({ url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, dialect: 'y' });
    cleanups.push(() => client.close());
    const session = client.join('job-1', device);
    await client.waitSynced(session, 5000);
    expect(session.answered).toBe(false);
    let inSync = false;
    const both = client.waitInSync(session, 5000).then(() => (inSync = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(inSync).toBe(false);
    sendStep1();
    await both;
    expect(session.answered).toBe(true);
    await expect.poll(() => serverDoc.getText('note').toString()).toBe('written before the socket opened');
  });
});
