import { afterEach, describe, expect, it } from 'vitest';
import * as encoding from 'lib0/encoding';
import WebSocket, { WebSocketServer } from 'ws';
import { Awareness } from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
  CHANNEL_ADDRESS,
  channelReady,
  decodeOutpostMessage,
  durableAck,
  encodeJobFrame,
  encodeMessage,
  handoverNotice,
  jobClosed,
  readJobFrame,
  Y_MESSAGE,
  type DecodedMessage,
} from '@outpost/shared';
import { CARRY_PER_JOB_BYTES, DeviceChannel } from './device-channel';
import { JobConnection } from './job-connection';
import type { WebSocketLike } from './job-link';

/** A scripted device-channel server: lets the device in, records its control messages. */
async function fakeChannelServer(protocolVersion = 2) {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((r) => server.once('listening', r));
  const control: DecodedMessage[] = [];
  let socket: WebSocket | null = null;
  server.on('connection', (ws) => {
    socket = ws;
    ws.on('message', (data: Buffer) => {
      const { jobId, message } = readJobFrame(new Uint8Array(data));
      if (jobId === CHANNEL_ADDRESS) control.push(decodeOutpostMessage(message));
    });
    ws.send(encodeJobFrame(CHANNEL_ADDRESS, encodeMessage(channelReady, { protocolVersion, minProtocolVersion: 2 })));
  });
  const port = (server.address() as { port: number }).port;
  return { server, control, url: `ws://127.0.0.1:${port}/device?v=2`, send: (jobId: string, m: Uint8Array) => socket!.send(encodeJobFrame(jobId, m)) };
}

function step1(doc: Y.Doc): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, Y_MESSAGE.sync);
  syncProtocol.writeSyncStep1(e, doc);
  return encoding.toUint8Array(e);
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
};
const noop = () => undefined;
let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});

describe('device channel (client)', () => {
  it("never takes a closed membership's durable ack, still in flight, for the job's next membership", async () => {
    const srv = await fakeChannelServer();
    cleanup.push(() => srv.server.close());
    const channel = new DeviceChannel({ url: () => srv.url, WebSocket: WebSocket as unknown as WebSocketLike });
    cleanup.push(() => channel.close());
    const acks: [number, number][] = [];
    const doc = new Y.Doc();
    const connection = new JobConnection({
      jobId: 'j1',
      doc,
      awareness: new Awareness(doc),
      links: channel,
      backoff: { baseMs: 10, maxMs: 20 },
      events: { step2Sent: noop, durableAck: (socket, upTo) => acks.push([socket, upTo]), opened: noop, synced: noop, closed: noop, message: noop },
    });
    cleanup.unshift(() => connection.destroy());
    connection.start();
    await until(() => srv.control.some((m) => m.name === 'subscribe'));
    srv.send('j1', step1(new Y.Doc())); // the device answers with its step 2: content message 1
    await until(() => connection.socketId === 1 && connection.sendUpdate(new Uint8Array([0, 0])) !== null);

    connection.drop(); // the job closes and opens again on the same channel
    await until(() => srv.control.filter((m) => m.name === 'subscribe').length === 2);
    expect(srv.control.map((m) => m.name)).toEqual(['subscribe', 'unsubscribe', 'subscribe']);
    // The old membership acks its two messages before the server read the unsubscribe.
    srv.send('j1', encodeMessage(durableAck, { upTo: 2 }));
    srv.send(CHANNEL_ADDRESS, encodeMessage(jobClosed, { jobId: 'j1', code: 1000, reason: 'unsubscribed' }));
    srv.send('j1', step1(new Y.Doc())); // the new membership begins
    srv.send('j1', encodeMessage(durableAck, { upTo: 1 }));
    await until(() => acks.length > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(acks).toEqual([[connection.socketId, 1]]);
  });

  it('skips a pushed message type newer than it reads, keeps the channel, and hears the next push', async () => {
    const srv = await fakeChannelServer();
    cleanup.push(() => srv.server.close());
    let opened = 0;
    const channel = new DeviceChannel({ url: () => srv.url, WebSocket: WebSocket as unknown as WebSocketLike, backoff: { baseMs: 10, maxMs: 20 } });
    cleanup.push(() => channel.close());
    channel.onOpen(() => opened++);
    const pushes: string[] = [];
    channel.onPush((m) => pushes.push(m.name));
    channel.hold(true);
    await until(() => opened === 1);
    srv.send(CHANNEL_ADDRESS, new Uint8Array([127, 1, 2, 3])); // a message type from a later protocol
    srv.send(CHANNEL_ADDRESS, encodeMessage(handoverNotice, { jobId: 'j1', handoverId: 'h1', state: 'parked' }));
    await until(() => pushes.length === 1);
    expect(pushes).toEqual(['handoverNotice']);
    expect(opened).toBe(1);
  });

  it('carries unacked changes in the subscribe to a protocol-4 server, except a job whose changes are too large, which sends them in its step 2', async () => {
    const srv = await fakeChannelServer(4);
    cleanup.push(() => srv.server.close());
    const channel = new DeviceChannel({ url: () => srv.url, WebSocket: WebSocket as unknown as WebSocketLike });
    cleanup.push(() => channel.close());
    const covered: [string, number][] = [];
    const open = (jobId: string, changes: Uint8Array) => {
      const doc = new Y.Doc();
      const c = new JobConnection({
        jobId,
        doc,
        awareness: new Awareness(doc),
        links: channel,
        unackedChanges: () => changes,
        events: { step2Sent: (_socket, n) => covered.push([jobId, n]), durableAck: noop, opened: noop, synced: noop, closed: noop, message: noop },
      });
      cleanup.unshift(() => c.destroy());
      c.start();
    };
    const small = new Uint8Array([1, 2, 3]);
    open('small', small);
    open('large', new Uint8Array(CARRY_PER_JOB_BYTES + 1));
    await until(() => srv.control.length > 0);
    expect(srv.control).toEqual([{ name: 'subscribeWithChanges', value: { jobIds: ['small', 'large'], stateVectors: expect.any(Array), changes: [small, new Uint8Array(0)] } }]);
    // The carried changes are message 1 of 'small' and cover its updates; 'large' waits for the server's step 1.
    expect(covered).toEqual([['small', 1]]);
    srv.send('large', step1(new Y.Doc()));
    await until(() => covered.length === 2);
    expect(covered[1]).toEqual(['large', 1]);
  });

  it('stops every job, and the channel, when the server says the app must be updated (4426)', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    cleanup.push(() => server.close());
    let connections = 0;
    server.on('connection', (ws) => {
      connections++;
      ws.close(4426, 'update the app');
    });
    const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/device?v=1`;
    const channel = new DeviceChannel({ url: () => url, WebSocket: WebSocket as unknown as WebSocketLike, backoff: { baseMs: 10, maxMs: 20 } });
    cleanup.push(() => channel.close());
    const jobs = ['j1', 'j2'].map((jobId) => {
      const doc = new Y.Doc();
      const c = new JobConnection({
        jobId,
        doc,
        awareness: new Awareness(doc),
        links: channel,
        backoff: { baseMs: 10, maxMs: 20 },
        events: { step2Sent: noop, durableAck: noop, opened: noop, synced: noop, closed: noop, message: noop },
      });
      cleanup.unshift(() => c.destroy());
      c.start();
      return c;
    });
    await until(() => jobs.every((j) => j.refused !== null));
    expect(jobs.map((j) => j.refused?.code)).toEqual([4426, 4426]);
    await new Promise((r) => setTimeout(r, 150));
    expect(connections).toBe(1);
  });
});
