import { afterEach, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import WebSocket, { WebSocketServer } from 'ws';
import { Awareness } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { encodeMessage, errorMessage, Y_MESSAGE } from '@outpost/shared';
import { JobConnection, type WebSocketLike } from './job-connection';

/** A scripted stand-in for the relay: records what the client sends, closes on demand. */
async function fakeRelay(onConnect: (socket: WebSocket, n: number) => void) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const received: { sync: number; kind: number }[] = [];
  let connections = 0;
  server.on('connection', (socket) => {
    const n = ++connections;
    socket.on('message', (data: Buffer) => {
      const d = decoding.createDecoder(new Uint8Array(data));
      if (decoding.readVarUint(d) === Y_MESSAGE.sync) received.push({ sync: n, kind: decoding.readVarUint(d) });
    });
    onConnect(socket, n);
  });
  const port = (server.address() as { port: number }).port;
  return { server, received, url: `ws://127.0.0.1:${port}`, connections: () => connections };
}

function step1(doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, Y_MESSAGE.sync);
  syncProtocol.writeSyncStep1(e, doc);
  return encoding.toUint8Array(e);
}

const noop = () => undefined;
let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

function connect(url: string, doc: Y.Doc, step2s: number[] = []) {
  const connection = new JobConnection({
    jobId: 'j1',
    doc,
    awareness: new Awareness(doc),
    WebSocket: WebSocket as unknown as WebSocketLike,
    relayUrl: () => url,
    backoff: { baseMs: 20, maxMs: 40 },
    events: { step2Sent: (_s, n) => step2s.push(n), durableAck: noop, opened: noop, synced: noop, closed: noop, message: noop },
  });
  cleanup.unshift(() => connection.destroy());
  return connection;
}

describe('relay connection', () => {
  it('numbers its content messages: the sync step 2 first, then each update, and holds updates back until that step 2', async () => {
    let greet: (() => void) | null = null;
    const relay = await fakeRelay((socket) => (greet = () => socket.send(step1(new Y.Doc()))));
    cleanup.push(() => relay.server.close());
    const doc = new Y.Doc();
    const step2s: number[] = [];
    const connection = connect(relay.url, doc, step2s);
    connection.start();
    for (let i = 0; i < 100 && !connection.open; i++) await new Promise((r) => setTimeout(r, 10));
    doc.getArray('notes').push(['early']);
    expect(connection.sendUpdate(Y.encodeStateAsUpdate(doc))).toBeNull();
    greet!();
    for (let i = 0; i < 100 && step2s.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(step2s).toEqual([1]);
    expect(connection.sendUpdate(new Uint8Array([0, 0]))).toEqual({ socket: 1, n: 2 });
    await new Promise((r) => setTimeout(r, 50));
    expect(relay.received.map((m) => m.kind)).toEqual([syncProtocol.messageYjsSyncStep1, syncProtocol.messageYjsSyncStep2, syncProtocol.messageYjsUpdate]);
  });

  it('reconnects after the server refused a gap, but not after it refused access', async () => {
    const refusal = { code: 'unresolved_update', close: 4400 };
    const relay = await fakeRelay((socket) => {
      socket.send(encodeMessage(errorMessage, { code: refusal.code, message: 'no' }));
      socket.close(refusal.close, 'refused');
    });
    cleanup.push(() => relay.server.close());
    const connection = connect(relay.url, new Y.Doc());
    connection.start();
    for (let i = 0; i < 200 && relay.connections() < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(relay.connections()).toBeGreaterThanOrEqual(3);

    Object.assign(refusal, { code: 'not_assigned', close: 4403 });
    for (let i = 0; i < 200 && !connection.refused; i++) await new Promise((r) => setTimeout(r, 10));
    const settled = relay.connections();
    await new Promise((r) => setTimeout(r, 200));
    expect(connection.refused?.code).toBe(4403);
    expect(relay.connections()).toBe(settled);
  });
});
